"""Writes of committees, meetings and a person's own preferences.

Administrators set up their organisation's committees; a committee's secretary (or an
administrator) registers its meetings, so decisions can be recorded against them.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from innovations import permissions
from innovations.errors import NotFound, PermissionDenied, ValidationFailed

from .models import Committee, Meeting, ReminderDelivery, User


def create_committee(*, actor, name: str) -> Committee:
    """An administrator adds a committee (udvalg) to their own organisation."""
    organisation_id = actor.organisation_id if actor and actor.is_authenticated else None
    if not permissions.is_administrator_of(actor, organisation_id):
        raise PermissionDenied(_("Only administrators can add committees."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("This field is required.")]})
    if len(name) > 200:
        raise ValidationFailed({"name": [_("At most 200 characters.")]})
    try:
        with transaction.atomic():
            committee = Committee.objects.create(organisation_id=organisation_id, name=name)
    except IntegrityError as exc:
        raise ValidationFailed(
            {"name": [_("The organisation already has a committee of that name.")]}
        ) from exc
    return committee


def create_meeting(
    *,
    actor,
    committee: Committee | int,
    date: datetime.date,
    minutes_url: str = "",
    start_time: datetime.time | None = None,
) -> Meeting:
    """Register a committee meeting: administrators, or a secretary of that committee."""
    committee_id = committee.pk if isinstance(committee, Committee) else committee
    found = Committee.objects.filter(pk=committee_id).first()
    if found is None or not permissions.is_member_of_organisation(actor, found.organisation_id):
        raise NotFound(_("The committee does not exist."))
    if not (
        permissions.is_administrator_of(actor, found.organisation_id)
        or found.pk in permissions.secretary_committee_ids(actor)
    ):
        raise PermissionDenied(
            _("Only the committee's secretary or an administrator can register its meetings.")
        )
    if not isinstance(date, datetime.date):
        raise ValidationFailed({"date": [_("Enter a date as YYYY-MM-DD.")]})
    if start_time is not None and not isinstance(start_time, datetime.time):
        raise ValidationFailed({"start_time": [_("Enter a time as HH:MM.")]})
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                committee=found,
                date=date,
                start_time=start_time,
                minutes_url=(minutes_url or "").strip(),
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"date": [_("The committee already has a meeting that day.")]}
        ) from exc
    return meeting


LANGUAGES = ("da", "en")


def update_preferences(
    *, actor, person: User, reminder_delivery: str | None = None, language: str | None = None
) -> User:
    """A person changes how reminders reach them and the language Spor speaks to them."""
    if not actor.is_authenticated or actor.pk != person.pk:
        raise PermissionDenied(_("You can change only your own preferences."))
    errors: dict[str, list[str]] = {}
    if reminder_delivery is not None and reminder_delivery not in ReminderDelivery.values:
        errors["reminder_delivery"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(ReminderDelivery.values)}
        ]
    if language is not None and language not in LANGUAGES:
        errors["language"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(LANGUAGES)}]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        changes = {
            key: value
            for key, value in (("reminder_delivery", reminder_delivery), ("language", language))
            if value is not None and getattr(locked, key) != value
        }
        if not changes:
            return locked
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(changes))
    return locked
