"""A person's own data, for their right of access (GDPR art. 15) and portability (art. 20).

``person_data(actor, person)`` is what the person, or an administrator of their
organisation, downloads as JSON: the profile, the committee memberships, what the person
recorded in Spor, the notifications and reminders they received, the innovations they follow
and the notices of them, and what the apps beside privacy register with
``core.personal_data`` (``politics``: member proposals, requests to examine reuse,
briefings), each under the app's name. It runs one query per section, whatever the amount of
history.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.models import Notification

from core import personal_data
from core.errors import NotFound
from decisions.models import Correction, Decision, FollowUp, TransitionLog
from innovations import permissions
from innovations.models import Document, Evaluation, Innovation, Reuse, SharingEvent, StatusReport
from organisations.models import Membership, User
from reminders.models import Checkpoint, DigestRun, Follow, FollowNotice, Reminder

FORMAT_VERSION = 1

# section -> (queryset of the person's rows, the columns exported)
_RECORDED = {
    "innovations_created": (Innovation, "created_by", ("id", "title", "state", "created_at")),
    "innovations_owned": (Innovation, "owner", ("id", "title", "state", "created_at")),
    "decisions": (
        Decision,
        "recorded_by",
        (
            "id",
            "innovation_id",
            "meeting__date",
            "agenda_item",
            "transition",
            "outcome",
            "recorded_at",
        ),
    ),
    "follow_ups": (
        FollowUp,
        "recorded_by",
        ("id", "innovation_id", "meeting__date", "agenda_item", "assessment", "recorded_at"),
    ),
    "corrections": (
        Correction,
        "recorded_by",
        ("id", "decision_id", "follow_up_id", "reason", "recorded_at"),
    ),
    "transitions": (
        TransitionLog,
        "actor",
        ("id", "innovation_id", "transition", "source", "target", "at"),
    ),
    "documents": (Document, "uploaded_by", ("id", "innovation_id", "title", "kind", "uploaded_at")),
    "status_reports": (
        StatusReport,
        "submitted_by",
        ("id", "innovation_id", "assessment", "summary", "submitted_at"),
    ),
    "evaluations": (Evaluation, "submitted_by", ("id", "innovation_id", "method", "submitted_at")),
    "checkpoints_created": (
        Checkpoint,
        "created_by",
        ("id", "innovation_id", "kind", "title", "due_date", "created_at"),
    ),
    "checkpoints_completed": (
        Checkpoint,
        "completed_by",
        ("id", "innovation_id", "kind", "title", "due_date", "completed_at"),
    ),
    "reuses_registered": (
        Reuse,
        "registered_by",
        ("id", "innovation_id", "origin_id", "named", "registered_at"),
    ),
    "sharing_events": (SharingEvent, "actor", ("id", "innovation_id", "action", "at")),
}


def may_see_person_data(actor, person: User) -> bool:
    if not (actor and actor.is_authenticated):
        return False
    return (
        actor.pk == person.pk
        or actor.is_superuser
        or permissions.is_administrator_of(actor, person.organisation_id)
    )


def person_for(actor, pk: int) -> User:
    """The person whose data ``actor`` may see; someone else's organisation is not found."""
    person = User.objects.select_related("organisation").filter(pk=pk).first()
    if person is None or not may_see_person_data(actor, person):
        raise NotFound(_("The person does not exist."))
    return person


def _rows(model, field: str, person: User, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return list(model.objects.filter(**{field: person}).order_by("pk").values(*columns))


def person_data(actor, person: User) -> dict[str, Any]:
    """Everything Spor holds about ``person`` that is theirs, as plain JSON-ready values."""
    if not may_see_person_data(actor, person):
        raise NotFound(_("The person does not exist."))
    organisation = person.organisation
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "exported_by": actor.pk,
        "profile": {
            "id": person.pk,
            "username": person.username,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "job_title": person.title,
            "role": person.role,
            "organisation": (
                {"id": organisation.pk, "code": organisation.code, "name": organisation.name}
                if organisation
                else None
            ),
            "language": person.language,
            "reminder_delivery": person.reminder_delivery,
            "is_active": person.is_active,
            "date_joined": person.date_joined,
            "last_login": person.last_login,
            # The calendar feed's address is a secret; that it exists is the personal data.
            "calendar_feed": bool(person.calendar_token),
        },
        "memberships": list(
            Membership.objects.filter(person=person)
            .order_by("valid_from", "pk")
            .values("id", "committee_id", "committee__name", "role", "valid_from", "valid_to")
        ),
        "recorded": {
            section: _rows(model, field, person, columns)
            for section, (model, field, columns) in _RECORDED.items()
        },
        "notifications": list(
            Notification.objects.filter(recipient=person)
            .order_by("timestamp", "pk")
            .values("id", "verb", "description", "timestamp", "unread")
        ),
        "reminders": list(
            Reminder.objects.filter(recipient=person)
            .order_by("scheduled_for", "pk")
            .values(
                "id",
                "checkpoint_id",
                "checkpoint__title",
                "stage",
                "scheduled_for",
                "notified_at",
                "email_status",
                "email_sent_at",
            )
        ),
        "digests": list(
            DigestRun.objects.filter(person=person)
            .order_by("date", "pk")
            .values("id", "date", "email_status", "sent_at")
        ),
        "follows": list(
            Follow.objects.filter(person=person)
            .order_by("created_at", "pk")
            .values("id", "innovation_id", "created_at")
        ),
        "follow_notices": list(
            FollowNotice.objects.filter(recipient=person)
            .order_by("created_at", "pk")
            .values(
                "id",
                "innovation_id",
                "kind",
                "text",
                "created_at",
                "email_status",
                "email_sent_at",
                "digest_id",
            )
        ),
        **{
            contributor.name: contributor.exporter(person)
            for contributor in personal_data.contributors()
        },
    }
