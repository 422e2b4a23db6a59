"""The portfolio at a glance: the figures behind the administrators' dashboard.

One function, shared by the API's ``/dashboard/portfolio/`` and the web dashboard. Every
figure is one aggregate query over the innovations the user may see, so the cost does not
grow with the number of rows returned to Python.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
)
from django.db.models.functions import Now, TruncMonth
from django.utils import timezone

from core.enums import APPROVED_OUTCOMES
from decisions.models import Decision
from innovations.models import ACTIVE_STATES, FINAL_STATES, Innovation, State
from innovations.selectors import visible_innovations
from reminders import schedule
from reminders.models import Checkpoint


class _Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)``; it also takes intervals."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def portfolio(
    user,
    *,
    organisation_id: int | None = None,
    committee_id: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    in_period: bool = False,
) -> dict:
    """The figures for the innovations ``user`` may see, optionally narrowed.

    ``since`` and ``until`` bound the months counted in ``decisions_per_month`` (by default
    the last 12). With ``in_period`` every figure counts only the innovations that were in
    the portfolio during the period: raised by its end, and not finished before its start.
    """
    innovations = visible_innovations(user).select_related(None).order_by()
    if organisation_id is not None:
        innovations = innovations.filter(organisation_id=organisation_id)
    if committee_id is not None:
        innovations = innovations.filter(committee_id=committee_id)
    if in_period:
        innovations = in_the_period(innovations, since, until)
    if since is None:
        since = (timezone.localdate().replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    return {
        "by_state": _by_state(innovations),
        "by_committee": _by_committee(innovations),
        "overdue_checkpoints": _overdue_checkpoints(innovations),
        "median_days_in_state": _median_days_in_state(innovations),
        "decisions_per_month": _decisions_per_month(innovations, since, until),
        **_reuse_and_sharing(innovations, user),
    }


def _by_state(innovations: QuerySet[Innovation]) -> dict[str, int]:
    counts = dict(
        innovations.values_list("state").annotate(n=Count("id")).values_list("state", "n")
    )
    return {state.value: counts.get(state.value, 0) for state in State}


def _by_committee(innovations: QuerySet[Innovation]) -> list[dict]:
    rows = (
        innovations.values("committee_id", "committee__name")
        .annotate(
            total=Count("id"),
            active=Count("id", filter=Q(state__in=ACTIVE_STATES)),
        )
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


def _median_days_in_state(innovations: QuerySet[Innovation]) -> dict[str, float]:
    active = innovations.filter(state__in=[*ACTIVE_STATES, State.PAUSED])
    age = ExpressionWrapper(Now() - F("state_entered_at"), output_field=DurationField())
    rows = active.values("state").annotate(median=_Median(age)).values_list("state", "median")
    medians = {state: median.total_seconds() / 86400 for state, median in rows}
    # In lifecycle order, as the phases are shown everywhere else.
    return {
        state.value: round(medians[state.value], 1) for state in State if state.value in medians
    }


def in_the_period(
    innovations: QuerySet[Innovation], since: datetime.date | None, until: datetime.date | None
) -> QuerySet[Innovation]:
    """The innovations in the portfolio at some time in the period: raised by its last day
    and not completed or stopped before its first."""
    if until is not None:
        end = timezone.make_aware(
            datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min)
        )
        innovations = innovations.filter(created_at__lt=end)
    if since is not None:
        start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        innovations = innovations.exclude(state__in=FINAL_STATES, state_entered_at__lt=start)
    return innovations


def _decisions_per_month(
    innovations: QuerySet[Innovation], since: datetime.date, until: datetime.date | None = None
) -> list[dict]:
    decisions = Decision.objects.filter(
        innovation__in=innovations.values("pk"), meeting__date__gte=since
    )
    if until is not None:
        decisions = decisions.filter(meeting__date__lte=until)
    rows = (
        decisions.annotate(month=TruncMonth("meeting__date"))
        .values("month")
        .annotate(
            total=Count("id"),
            approved=Count("id", filter=Q(outcome__in=APPROVED_OUTCOMES)),
        )
        .order_by("month")
    )
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "count": row["total"],
            "approved": row["approved"],
        }
        for row in rows
    ]


def _reuse_and_sharing(innovations: QuerySet[Innovation], user) -> dict:
    figures = innovations.aggregate(
        shared=Count("id", filter=Q(shared=True)),
        reused_from_others=Count("id", filter=Q(reused_from__isnull=False)),
    )
    reused_by_others = (
        Innovation.objects.filter(reused_from__in=innovations.values("pk"))
        .exclude(organisation_id=F("reused_from__organisation_id"))
        .count()
    )
    return {
        "reused": {"from_others": figures["reused_from_others"], "by_others": reused_by_others},
        "shared": figures["shared"],
    }


def _overdue_checkpoints(innovations: QuerySet[Innovation]) -> int:
    today = schedule.local_date(timezone.now())
    return (
        Checkpoint.objects.open()
        .overdue(on=today)
        .filter(innovation__in=innovations.values("pk"))
        .count()
    )
