"""Privacy duties as services: anonymising a person who leaves, and deleting what has served.

``anonymise_person`` closes the account and replaces the name everywhere: decisions,
follow-ups and the transition log keep pointing at the same row, which from now on reads as
the person's role and organisation ("Udvalgssekretær, Aarhus"), never a name or an e-mail.
The decision trail itself is never changed. What the person follows, and the notices they
were sent about it, are deleted.

``purge_expired`` deletes operational rows after the periods an operator configures: read
notifications, delivered reminders and digests, sent follow notices, finished webhook
deliveries, overdue-event markers of closed checkpoints, expired sessions. It is a plain
function that beat runs daily (``privacy.purge_expired``), a command (``purge_expired``) and
the tests call.

The apps beside ``privacy`` (``politics``) join all three duties through
``core.personal_data``: they register an exporter, an anonymiser and their expired rows.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from notifications.models import Notification

from access.models import RevokedBecause
from access.services import revoke_all_tokens_of
from core import personal_data
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.personal_data import retention_period
from innovations import permissions
from innovations.models import Innovation
from organisations.models import Membership, User
from reminders.models import (
    Checkpoint,
    CheckpointStatus,
    DigestRun,
    EmailStatus,
    Follow,
    FollowNotice,
    Reminder,
)
from webhooks.models import CheckpointOverdueEvent, DeliveryStatus, WebhookDelivery

from .models import Anonymisation

BATCH = 2000


# --- Anonymisation ----------------------------------------------------------------------------


def public_name(person: User) -> str:
    """What the public record shows for a person who left: the role and the organisation."""
    with translation.override("da"):
        role = person.get_role_display() or _("Former user")
    organisation = person.organisation.name if person.organisation_id else ""
    return f"{role}, {organisation}" if organisation else role


def anonymise_person(*, actor, person: User) -> User:
    """Close ``person``'s account and replace their name and e-mail everywhere.

    For an administrator of the person's organisation (or a superuser), never for oneself.
    Idempotent: a person anonymised before is returned unchanged.
    """
    if not (actor and actor.is_authenticated):
        raise PermissionDenied(_("Only an administrator anonymises a person."))
    with transaction.atomic():
        locked = User.objects.select_for_update().filter(pk=person.pk).first()
        if locked is None or not (
            actor.is_superuser
            or permissions.is_member_of_organisation(actor, locked.organisation_id)
        ):
            raise NotFound(_("The person does not exist."))
        if not (
            actor.is_superuser or permissions.is_administrator_of(actor, locked.organisation_id)
        ):
            raise PermissionDenied(_("Only an administrator anonymises a person."))
        if locked.pk == actor.pk:
            raise ValidationFailed(_("You cannot anonymise yourself; ask another administrator."))
        if Anonymisation.objects.filter(person=locked).exists():
            return locked
        now = timezone.now()
        shown_as = public_name(locked)
        # Before the name goes: the contributors may look for it in what they hold.
        for contributor in personal_data.contributors():
            contributor.anonymiser(person=locked, public_name=shown_as)
        locked.first_name = shown_as[:150]
        locked.last_name = ""
        locked.email = ""
        locked.title = ""
        locked.username = f"anonymised-{locked.pk}"
        locked.is_active = False
        locked.is_staff = False
        locked.calendar_token = secrets.token_urlsafe(32)
        locked.set_unusable_password()
        locked.save(
            update_fields=[
                "first_name",
                "last_name",
                "email",
                "title",
                "username",
                "is_active",
                "is_staff",
                "calendar_token",
                "password",
            ]
        )
        locked.groups.clear()
        locked.user_permissions.clear()
        revoke_all_tokens_of(person=locked, because=RevokedBecause.DEACTIVATED)
        # What was addressed to them personally goes; what they did stays, under the role.
        Notification.objects.filter(recipient=locked).delete()
        Reminder.objects.filter(recipient=locked).delete()
        DigestRun.objects.filter(person=locked).delete()
        FollowNotice.objects.filter(recipient=locked).delete()
        Follow.objects.filter(person=locked).delete()
        # Memberships end yesterday (a committee's composition stays on record); one that
        # had not begun never served and goes.
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Membership.objects.filter(person=locked, valid_from__gt=yesterday).delete()
        Membership.objects.filter(person=locked).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=yesterday)
        ).update(valid_to=yesterday)
        Innovation.objects.filter(owner=locked).update(owner=None)
        Checkpoint.objects.filter(responsible_person=locked).update(responsible_person=None)
        Anonymisation.objects.create(person=locked, by=actor, at=now)
    return locked


# --- Retention --------------------------------------------------------------------------------


@dataclasses.dataclass
class Purged:
    counts: dict[str, int]

    def summary(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.counts.items())


def _delete_in_batches(queryset: QuerySet) -> int:
    """Delete in batches of ids, each its own short transaction, so nothing is locked long."""
    deleted = 0
    model = queryset.model
    while True:
        ids = list(queryset.order_by().values_list("pk", flat=True)[:BATCH])
        if not ids:
            return deleted
        with transaction.atomic():
            deleted += model.objects.filter(pk__in=ids).delete()[1].get(model._meta.label, 0)


def expired_webhook_deliveries(now: datetime.datetime) -> QuerySet:
    """Finished deliveries (delivered, or failed for good) older than their period."""
    return WebhookDelivery.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_WEBHOOK_DELIVERY_DAYS"),
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
    )


def expired_overdue_events(now: datetime.datetime) -> QuerySet:
    """The "emitted once" markers of checkpoints closed since (an open one keeps its own)."""
    return CheckpointOverdueEvent.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_REMINDER_DAYS")
    ).exclude(checkpoint__status=CheckpointStatus.OPEN)


DELIVERED_EMAIL = [
    EmailStatus.SENT,
    EmailStatus.SKIPPED_DIGEST,
    EmailStatus.NO_ADDRESS,
    EmailStatus.CANCELLED,
    EmailStatus.FAILED,
]


def expired_follow_notices(now: datetime.datetime) -> QuerySet:
    """Notices to followers whose e-mail is done: sent (or failed, or without an address), or
    carried by a digest that went. One still waiting for its digest is kept."""
    return FollowNotice.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_FOLLOW_NOTICE_DAYS")
    ).filter(
        Q(email_status__in=[s for s in DELIVERED_EMAIL if s != EmailStatus.SKIPPED_DIGEST])
        | Q(email_status=EmailStatus.SKIPPED_DIGEST, digest__email_status__in=DELIVERED_EMAIL)
    )


def expired(now: datetime.datetime | None = None) -> dict[str, QuerySet]:
    """The rows whose retention period is over, per kind (the decision trail never is)."""
    now = now or timezone.now()
    reminders_before = now - retention_period("SPOR_RETENTION_REMINDER_DAYS")
    kinds = {
        "notifications": Notification.objects.filter(
            unread=False,
            timestamp__lt=now - retention_period("SPOR_RETENTION_READ_NOTIFICATION_DAYS"),
        ),
        # Only once delivered on every channel and the checkpoint is closed: an open one may
        # still look at its reminders to know which stages were sent.
        "reminders": Reminder.objects.filter(
            scheduled_for__lt=reminders_before,
            email_status__in=DELIVERED_EMAIL,
        )
        .filter(Q(notified_at__isnull=False) | Q(cancelled_at__isnull=False))
        .exclude(checkpoint__status=CheckpointStatus.OPEN),
        # Before the digests: a notice whose digest is gone would look as if still waiting.
        "follow_notices": expired_follow_notices(now),
        # Only once nothing it carried is left (the reminders above go first, those of an
        # open checkpoint stay): a reminder whose digest is gone would look as if still
        # waiting for the next one, and be sent again.
        "digests": DigestRun.objects.filter(
            created_at__lt=reminders_before,
            email_status__in=DELIVERED_EMAIL,
            follow_notices__isnull=True,
            reminders__isnull=True,
        ),
        "sessions": Session.objects.filter(expire_date__lt=now),
        "webhook_deliveries": expired_webhook_deliveries(now),
        "overdue_events": expired_overdue_events(now),
    }
    for contributor in personal_data.contributors():
        kinds = personal_data.merged(
            kinds, contributor.expired(now), source=f"The contributor {contributor.name}"
        )
    return kinds


def purge_expired(now: datetime.datetime | None = None) -> Purged:
    return Purged(
        counts={kind: _delete_in_batches(queryset) for kind, queryset in expired(now).items()}
    )


def anonymise_by_username(*, actor_username: str, username: str) -> User:
    """For the management command: both people by their user names."""
    actor = User.objects.filter(username=actor_username).first()
    person = User.objects.filter(username=username).first()
    if actor is None or person is None:
        raise NotFound(_("The person does not exist."))
    return anonymise_person(actor=actor, person=person)
