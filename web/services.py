"""The few writes the pages need that no domain app offers: a person's own preferences.

Written like every other service: keyword-only, the actor explicit, one transaction with
the row locked, ``save(update_fields=...)``, an early return when nothing changes.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from innovations.errors import PermissionDenied, ValidationFailed
from organisations.models import ReminderDelivery, User

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


def mark_notification_read(*, actor, notification) -> None:
    """The person opened one of their notifications."""
    if not actor.is_authenticated or notification.recipient_id != actor.pk:
        raise PermissionDenied(_("This notification is not yours."))
    if not notification.unread:
        return
    from notifications.models import Notification

    # A conditional update: opening the same notification twice changes one row once.
    Notification.objects.filter(pk=notification.pk, unread=True).update(unread=False)


def mark_all_notifications_read(*, actor) -> int:
    if not actor.is_authenticated:
        raise PermissionDenied(_("Sign in first."))
    from notifications.models import Notification

    return Notification.objects.filter(recipient=actor, unread=True).update(unread=False)


def renew_calendar_token(*, actor) -> str:
    from reminders.services import renew_calendar_token as renew

    return renew(actor=actor)
