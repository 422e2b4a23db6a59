"""Writes of committees, meetings and a person's own preferences.

Administrators set up their organisation's committees; a committee's secretary (or an
administrator) registers its meetings, so decisions can be recorded against them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import NotFound, PermissionDenied, ValidationFailed

from . import permissions
from .models import (
    MEETING_FROZEN_MESSAGE,
    Committee,
    Meeting,
    ReminderDelivery,
    User,
    language_choices,
)


def create_committee(*, actor, name: str) -> Committee:
    """An administrator adds a committee (udvalg) to their own organisation."""
    organisation_id = actor.organisation_id if actor and actor.is_authenticated else None
    if organisation_id is None or not permissions.is_administrator_of(actor, organisation_id):
        raise PermissionDenied(_("Only administrators can add committees."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"name": [_("This field is required.")]})
    if len(name) > 200:
        raise ValidationFailed({"name": [_("At most 200 characters.")]})
    try:
        with transaction.atomic():
            committee = Committee.objects.create(organisation_id=organisation_id, name=name)
            audit.record_change(
                actor=actor, instance=committee, before=None, after=audit.snapshot(committee)
            )
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
    _check_backdating(actor, found.organisation_id, date)
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
            audit.record_change(
                actor=actor, instance=meeting, before=None, after=audit.snapshot(meeting)
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            {"date": [_("The committee already has a meeting that day.")]}
        ) from exc
    return meeting


def electoral_term_start(day: datetime.date) -> datetime.date:
    """1 January after the last Danish local election (every 4 years in November: 2025,
    2029, ...) on or before ``day``: the start of the current electoral term."""
    year = day.year - (day.year - 2026) % 4
    return datetime.date(year, 1, 1)


def earliest_meeting_date_for_secretaries(today: datetime.date | None = None) -> datetime.date:
    """How far back a secretary may register a meeting (``SPOR_MEETING_BACKDATE_DAYS``, by
    default the current electoral term); further back needs an administrator."""
    today = today or timezone.localdate()
    days = settings.SPOR_MEETING_BACKDATE_DAYS
    if days:
        return today - datetime.timedelta(days=days)
    return electoral_term_start(today)


def _check_backdating(actor, organisation_id: int, date: datetime.date) -> None:
    if permissions.is_administrator_of(actor, organisation_id):
        return
    earliest = earliest_meeting_date_for_secretaries()
    if date < earliest:
        raise PermissionDenied(
            _(
                "A meeting before %(earliest)s is registered by an administrator: evidence "
                "that far back is checked by one."
            )
            % {"earliest": formats.date_format(earliest, "SHORT_DATE_FORMAT")}
        )


def update_meeting(
    *,
    actor,
    meeting: Meeting,
    date: datetime.date | None = None,
    committee: Committee | int | None = None,
    minutes_url: str | None = None,
) -> Meeting:
    """Change a meeting: administrators, or a secretary of its committee.

    The link to the minutes may always change. The committee and the date are frozen once
    a decision, follow-up or correction references the meeting.
    """
    with transaction.atomic():
        locked = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("committee")
            .filter(pk=meeting.pk)
            .first()
        )
        if locked is None or not permissions.is_member_of_organisation(
            actor, locked.committee.organisation_id
        ):
            raise NotFound(_("The meeting does not exist."))
        organisation_id = locked.committee.organisation_id
        if not (
            permissions.is_administrator_of(actor, organisation_id)
            or locked.committee_id in permissions.secretary_committee_ids(actor)
        ):
            raise PermissionDenied(
                _("Only the committee's secretary or an administrator can change its meetings.")
            )
        changes: dict = {}
        if committee is not None:
            committee_id = committee.pk if isinstance(committee, Committee) else committee
            if committee_id != locked.committee_id:
                found = Committee.objects.filter(
                    pk=committee_id, organisation_id=organisation_id
                ).first()
                if found is None:
                    raise ValidationFailed(
                        {"committee": [_("Choose a committee of your organisation.")]}
                    )
                changes["committee"] = found
        if date is not None and date != locked.date:
            _check_backdating(actor, organisation_id, date)
            changes["date"] = date
        if changes and locked.carries_evidence():
            raise ValidationFailed({field: [str(MEETING_FROZEN_MESSAGE)] for field in changes})
        if minutes_url is not None and minutes_url.strip() != locked.minutes_url:
            changes["minutes_url"] = minutes_url.strip()
        if not changes:
            return locked
        before = audit.snapshot(locked)
        for key, value in changes.items():
            setattr(locked, key, value)
        try:
            with transaction.atomic():
                locked.save(update_fields=list(changes))
        except IntegrityError as exc:
            raise ValidationFailed(
                {"date": [_("The committee already has a meeting that day.")]}
            ) from exc
        audit.record_change(
            actor=actor, instance=locked, before=before, after=audit.snapshot(locked)
        )
    return locked


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
    languages = dict(language_choices())
    if language is not None and language not in languages:
        errors["language"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(languages)}]
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
