"""What politics holds of a person, for ``privacy`` (registered in ``PoliticsConfig.ready()``
with ``core.personal_data``, since privacy may not import this app).

- The export: the member proposals the person made, the requests to examine reuse they made
  or examined, the events of requests they acted on, the briefings they were sent.
- Anonymisation: proposals and requests are the political record and stay, pointing at the
  same person row, which from then on reads as the role and the organisation (as decisions
  do); their texts are what was proposed and examined, and stay. The name the services wrote
  into the titles of the checkpoints that put them before the committee, and into the
  administrators' notifications of a request, becomes that role and organisation. The
  briefings addressed to the person are deleted.
- Retention: a briefing is an operational notice, and also the mark that the membership was
  briefed (``services.new_memberships``); it goes after ``SPOR_RETENTION_BRIEFING_DAYS``,
  once its seat can no longer be briefed again (the seat ended, or its term is over).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone
from notifications.models import Notification

from core.personal_data import retention_period
from organisations.models import User
from organisations.services import electoral_term_start
from reminders.models import Checkpoint

from .models import Briefing, MemberProposal, ReuseRequest, ReuseRequestEvent
from .services import REUSE_REQUESTED_VERB


def _rows(queryset: QuerySet, *columns: str) -> list[dict[str, Any]]:
    return list(queryset.order_by("pk").values(*columns))


def export(person: User) -> dict[str, list[dict[str, Any]]]:
    """The person's rows in politics, one query per section."""
    return {
        "member_proposals": _rows(
            MemberProposal.objects.filter(proposed_by=person),
            "id",
            "innovation_id",
            "innovation__title",
            "committee_id",
            "committee__name",
            "proposal",
            "meeting__date",
            "proposed_at",
        ),
        "reuse_requests_made": _rows(
            ReuseRequest.objects.filter(requested_by=person),
            "id",
            "origin_id",
            "committee_id",
            "committee__name",
            "reason",
            "status",
            "examination",
            "innovation_id",
            "requested_at",
            "updated_at",
        ),
        "reuse_requests_examined": _rows(
            ReuseRequest.objects.filter(examined_by=person),
            "id",
            "origin_id",
            "committee_id",
            "committee__name",
            "status",
            "examination",
            "innovation_id",
            "requested_at",
            "updated_at",
        ),
        "reuse_request_events": _rows(
            ReuseRequestEvent.objects.filter(actor=person),
            "id",
            "request_id",
            "status",
            "note",
            "at",
        ),
        "briefings": _rows(
            Briefing.objects.filter(person=person),
            "id",
            "committee_id",
            "committee__name",
            "term_start",
            "created_at",
            "email_sent_at",
        ),
    }


def _name_in_texts(person: User) -> str:
    # What the services wrote: ``actor.get_full_name() or actor``.
    return person.get_full_name() or person.username


def anonymise(*, person: User, public_name: str) -> None:
    """Inside ``anonymise_person``'s transaction, before the person's row is rewritten."""
    name = _name_in_texts(person)
    checkpoints = Checkpoint.objects.filter(
        Q(pk__in=MemberProposal.objects.filter(proposed_by=person).values("checkpoint_id"))
        | Q(innovation__reuse_request__requested_by=person),
        title__endswith=f" {name}",
    )
    # Only where the services put it (the title's end, the description's start, in every
    # language): a short name may also be part of another word.
    max_length = Checkpoint._meta.get_field("title").max_length
    for checkpoint in checkpoints.select_for_update(of=("self",)):
        checkpoint.title = (checkpoint.title.removesuffix(name) + public_name)[:max_length]
        checkpoint.save(update_fields=["title"])
    notifications = Notification.objects.filter(
        actor_content_type=ContentType.objects.get_for_model(User),
        actor_object_id=str(person.pk),
        verb=REUSE_REQUESTED_VERB,
        description__startswith=f"{name} ",
    )
    for notification in notifications.select_for_update():
        notification.description = public_name + notification.description.removeprefix(name)
        notification.save(update_fields=["description"])
    Briefing.objects.filter(person=person).delete()


def expired_briefings(now: datetime.datetime) -> QuerySet:
    """Briefings older than their period whose seat can no longer be briefed again."""
    today = timezone.localdate(now)
    return Briefing.objects.filter(
        created_at__lt=now - retention_period("SPOR_RETENTION_BRIEFING_DAYS")
    ).filter(
        Q(membership__valid_to__lt=today)
        | Q(membership__valid_from__lt=electoral_term_start(today))
    )


def expired(now: datetime.datetime) -> dict[str, QuerySet]:
    return {"briefings": expired_briefings(now)}
