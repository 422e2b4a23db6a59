"""The dashboard's reads: the portfolio figures narrowed by the page's filters, and the lists.

Every function runs a fixed number of queries whatever the size of the portfolio: counts and
medians are aggregates in the database, lists are capped, and the CSV rows carry their
figures as subquery annotations.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from decisions import closed
from decisions.mandate_selectors import share_that_met_their_mandate
from decisions.models import Correction, Decision, FollowUp, Outcome
from innovations.csv_export import Column
from innovations.models import ACTIVE_STATES, Innovation, State
from innovations.selectors import visible_innovations
from innovations.workflow import transition_choices
from organisations.models import Meeting
from portfolio.selectors import in_the_period, portfolio
from reminders.models import Checkpoint, CheckpointStatus

DEFAULT_STALE_MONTHS = 6
LIST_LIMIT = 25  # the dashboard shows the most pressing; the CSV has them all

PORTFOLIO_COLUMNS = [
    Column("id", _("id")),
    Column("title", _("title")),
    Column("phase", _("phase"), dict(State.choices)),
    Column("committee", _("committee")),
    Column("owner", _("owner")),
    Column("created_at", _("created")),
    Column("phase_entered_at", _("phase entered")),
    Column("last_decision", _("last decision")),
    Column("decisions", _("decisions")),
    Column("open_checkpoints", _("open checkpoints")),
    Column("overdue_checkpoints", _("overdue checkpoints")),
    Column("shared", _("shared")),
    Column("reused_from", _("reused from")),
    Column("case_number", _("case number")),
    Column("kle_code", _("KLE code")),
]
DECISION_COLUMNS = [
    Column("id", _("id")),
    Column("meeting_date", _("meeting date")),
    Column("committee", _("committee")),
    Column("agenda_item", _("agenda item")),
    Column("innovation_id", _("innovation id")),
    Column("innovation", _("innovation")),
    Column("transition", _("transition"), dict(transition_choices())),
    Column("outcome", _("outcome"), dict(Outcome.choices)),
    Column("votes_for", _("votes for")),
    Column("votes_against", _("votes against")),
    Column("votes_abstaining", _("abstaining")),
    Column("resolution", _("resolution text")),
    Column("minority_statements", _("minority statements")),
    Column("value_direction", _("value direction")),
    Column("follow_up_date", _("follow-up date")),
    Column("recorded_at", _("recorded")),
    Column("corrections", _("corrections")),
    Column("case_number", _("case number")),
    Column("kle_code", _("KLE code")),
    Column("closed_item", _("closed item")),
]


@dataclasses.dataclass(frozen=True)
class Filters:
    committee_id: int | None = None
    phase: str = ""
    period_from: datetime.date | None = None
    period_to: datetime.date | None = None
    stale_months: int = DEFAULT_STALE_MONTHS


def _months_ago(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


def filtered_innovations(user, filters: Filters) -> QuerySet[Innovation]:
    """The organisation's innovations narrowed by the filters, with no joins: callers add
    the ones their rows need."""
    innovations = (
        visible_innovations(user).select_related(None).filter(organisation_id=user.organisation_id)
    )
    if filters.committee_id:
        innovations = innovations.filter(committee_id=filters.committee_id)
    if filters.phase:
        innovations = innovations.filter(state=filters.phase)
    if filters.period_from or filters.period_to:
        innovations = in_the_period(innovations, filters.period_from, filters.period_to)
    return innovations


def overdue_checkpoints(user, filters: Filters) -> tuple[int, list]:
    """How many open checkpoints are past due, and the most overdue of them.

    The list is found in two steps: the ids by due date on the narrow checkpoint rows, then
    those rows with what they show; sorting every overdue row joined to its innovation
    would cost what the portfolio weighs.
    """
    queryset = (
        Checkpoint.objects.open()
        .overdue(on=timezone.localdate())
        .filter(innovation__in=filtered_innovations(user, filters).order_by().values("pk"))
    )
    if filters.period_from:
        queryset = queryset.filter(due_date__gte=filters.period_from)
    if filters.period_to:
        queryset = queryset.filter(due_date__lte=filters.period_to)
    count, ids = _count_and_first_ids(queryset, ("due_date", "id"))
    rows = list(
        Checkpoint.objects.filter(pk__in=ids)
        .select_related("innovation", "committee", "responsible_person")
        .order_by("due_date", "id")
    )
    return count, rows


def stale_innovations(user, filters: Filters) -> tuple[int, list[Innovation]]:
    """Active or paused innovations with no decision or follow-up for ``stale_months``."""
    cutoff = _months_ago(timezone.localdate(), filters.stale_months)
    recent_meetings = Meeting.objects.filter(
        committee__organisation_id=user.organisation_id, date__gte=cutoff
    ).values("pk")
    recent_decision = Decision.objects.filter(
        innovation=OuterRef("pk"), meeting__in=recent_meetings
    )
    recent_follow_up = FollowUp.objects.filter(
        innovation=OuterRef("pk"), meeting__in=recent_meetings
    )
    queryset = (
        filtered_innovations(user, filters)
        .filter(state__in=[*ACTIVE_STATES, State.PAUSED], created_at__lt=_start_of(cutoff))
        .exclude(Exists(recent_decision))
        .exclude(Exists(recent_follow_up))
    )
    count, ids = _count_and_first_ids(queryset, ("state_entered_at", "id"))
    rows = list(
        Innovation.objects.filter(pk__in=ids)
        .select_related("committee")
        .annotate(
            last_decision_date=Subquery(
                Decision.objects.filter(innovation=OuterRef("pk"))
                .order_by("-meeting__date")
                .values("meeting__date")[:1]
            ),
            last_follow_up_date=Subquery(
                FollowUp.objects.filter(innovation=OuterRef("pk"))
                .order_by("-meeting__date")
                .values("meeting__date")[:1]
            ),
        )
        .order_by("state_entered_at", "id")
    )
    return count, rows


def _count_and_first_ids(queryset: QuerySet, order: tuple[str, ...]) -> tuple[int, list[int]]:
    """The number of rows and the ids of the first ``LIST_LIMIT``, in one query: the count
    rides along as a window over the whole result."""
    rows = list(
        queryset.annotate(total=Window(Count("pk")))
        .order_by(*order)
        .values_list("pk", "total")[:LIST_LIMIT]
    )
    return (rows[0][1] if rows else 0), [pk for pk, _total in rows]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _by_committee_in_phase(user, filters: Filters) -> list[dict]:
    rows = (
        filtered_innovations(user, filters)
        .order_by()
        .values("committee_id", "committee__name")
        .annotate(total=Count("id"), active=Count("id", filter=Q(state__in=ACTIVE_STATES)))
        .order_by("committee__name", "committee_id")
    )
    return [
        {
            "committee": row["committee_id"],
            "name": row["committee__name"],
            "total": row["total"],
            "active": row["active"],
        }
        for row in rows
    ]


def dashboard_figures(user, filters: Filters) -> dict:
    """Every figure of the dashboard under the same filters: committee, and the period (the
    innovations in the portfolio during it, the decisions and overdue checkpoints in it)."""
    in_period = bool(filters.period_from or filters.period_to)
    figures = portfolio(
        user,
        organisation_id=user.organisation_id,
        committee_id=filters.committee_id,
        since=filters.period_from,
        until=filters.period_to,
        in_period=in_period,
    )
    if filters.phase:
        figures["by_committee"] = _by_committee_in_phase(user, filters)
    figures["decisions_per_month"] = every_month(
        figures["decisions_per_month"],
        first=filters.period_from or _default_first_month(),
        last=filters.period_to or timezone.localdate(),
    )
    figures["overdue_count"], figures["overdue_list"] = overdue_checkpoints(user, filters)
    figures["stale_count"], figures["stale_list"] = stale_innovations(user, filters)
    figures["total"] = sum(figures["by_state"].values())
    scope = visible_innovations(user).filter(organisation_id=user.organisation_id)
    if filters.committee_id:
        scope = scope.filter(committee_id=filters.committee_id)
    figures["mandates"] = share_that_met_their_mandate(scope)
    return figures


def _default_first_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=335)).replace(day=1)


def every_month(rows: list[dict], *, first: datetime.date, last: datetime.date) -> list[dict]:
    """The months from ``first`` to ``last``, those without a decision (a summer break's July)
    as zero rather than left out."""
    found = {row["month"]: row for row in rows}
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month) and len(months) < 240:
        key = f"{year:04d}-{month:02d}"
        months.append(found.get(key, {"month": key, "count": 0, "approved": 0}))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _count(rows, **filters) -> Coalesce:
    """The number of ``rows`` (a model or a queryset) matching ``filters``, as a subquery."""
    queryset = rows if isinstance(rows, QuerySet) else rows.objects.all()
    return Coalesce(
        Subquery(
            queryset.filter(**filters)
            .order_by()
            .values(next(iter(filters)))
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def portfolio_rows(user, filters: Filters) -> QuerySet[Innovation]:
    """One row per innovation with its figures, for the CSV export."""
    today = timezone.localdate()
    queryset = (
        filtered_innovations(user, filters)
        .select_related("committee", "owner")
        .annotate(
            last_decision_date=Subquery(
                Decision.objects.filter(innovation=OuterRef("pk"))
                .order_by("-meeting__date")
                .values("meeting__date")[:1]
            ),
            decision_count=_count(Decision, innovation=OuterRef("pk")),
        )
    )
    open_status = CheckpointStatus.OPEN
    queryset = queryset.annotate(
        open_checkpoint_count=_count(Checkpoint, innovation=OuterRef("pk"), status=open_status),
        overdue_checkpoint_count=_count(
            Checkpoint.objects.open().overdue(on=today), innovation=OuterRef("pk")
        ),
    )
    return queryset.order_by("id")


def decision_log(user, filters: Filters) -> QuerySet[Decision]:
    """Every decision of the filtered innovations in the period, oldest first; of closed
    items, only those the person may see (an administrator sees all of the organisation's)."""
    queryset = closed.visible_records(
        Decision.objects.filter(
            innovation__in=filtered_innovations(user, filters).order_by().values("pk")
        ),
        user,
    )
    if filters.period_from:
        queryset = queryset.filter(meeting__date__gte=filters.period_from)
    if filters.period_to:
        queryset = queryset.filter(meeting__date__lte=filters.period_to)
    return (
        queryset.select_related("meeting__committee", "innovation", "agenda_entry")
        .annotate(correction_count=_count(Correction, decision=OuterRef("pk")))
        .order_by("meeting__date", "recorded_at", "id")
    )
