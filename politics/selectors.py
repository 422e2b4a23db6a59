"""Reads for politicians: their committees, proposals and reuse requests, the committee's
report for a period and the briefing of new members. Every read is scoped to the reader's
organisation and costs a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import (
    DateField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import NotFound, ValidationFailed
from decisions import closed
from decisions.models import Decision, FollowUp, TransitionLog
from decisions.selectors import effective_record
from innovations import csv_export
from innovations.models import (
    APPROVED_OUTCOMES,
    FINAL_STATES,
    Evaluation,
    Innovation,
    State,
)
from organisations.models import Committee, Membership
from reminders.models import Checkpoint, CheckpointKind, CheckpointStatus

from .models import OPEN_REUSE_STATUSES, MemberProposal, ReuseRequest
from .services import POLITICAL_SEATS

DEFAULT_QUIET_MONTHS = 6


def my_committees(user, day: datetime.date | None = None) -> QuerySet[Committee]:
    """The committees a politician sits on (chair, vice chair, member) on ``day``."""
    if not (user and user.is_authenticated):
        return Committee.objects.none()
    day = day or timezone.localdate()
    ids = (
        Membership.objects.valid_on(day)
        .filter(person=user, role__in=POLITICAL_SEATS)
        .values("committee_id")
    )
    return Committee.objects.filter(pk__in=ids, organisation_id=user.organisation_id)


def committees_of_organisation(user) -> QuerySet[Committee]:
    if not (user and user.is_authenticated and user.organisation_id):
        return Committee.objects.none()
    return Committee.objects.filter(organisation_id=user.organisation_id)


def committee_for(user, pk: int) -> Committee:
    committee = committees_of_organisation(user).filter(pk=pk).first()
    if committee is None:
        raise NotFound(_("The committee does not exist."))
    return committee


def proposals_visible_to(user) -> QuerySet[MemberProposal]:
    if not (user and user.is_authenticated and user.organisation_id):
        return MemberProposal.objects.none()
    return MemberProposal.objects.filter(
        innovation__organisation_id=user.organisation_id
    ).select_related("innovation", "committee", "proposed_by", "meeting", "checkpoint")


def reuse_requests_visible_to(user) -> QuerySet[ReuseRequest]:
    if not (user and user.is_authenticated and user.organisation_id):
        return ReuseRequest.objects.none()
    return ReuseRequest.objects.filter(organisation_id=user.organisation_id).select_related(
        "origin", "origin__organisation", "committee", "requested_by", "examined_by",
        "innovation", "decision", "decision__meeting",
    )  # fmt: skip


def reuse_request_for(user, pk: int) -> ReuseRequest:
    request = (
        reuse_requests_visible_to(user).prefetch_related("events", "events__actor").filter(pk=pk)
    ).first()
    if request is None:
        raise NotFound(_("The request does not exist."))
    return request


def open_request_for(user, origin_id: int) -> ReuseRequest | None:
    return (
        reuse_requests_visible_to(user)
        .filter(origin_id=origin_id, status__in=OPEN_REUSE_STATUSES)
        .first()
    )


# --- The committee's report -------------------------------------------------------------


@dataclasses.dataclass
class FollowUpsDue:
    due: int
    answered: int
    open_overdue: int
    open_not_yet_due: int
    waived_or_cancelled: int


@dataclasses.dataclass
class CommitteeReport:
    committee: Committee
    start: datetime.date
    end: datetime.date
    quiet_months: int
    mandates: list[Decision]
    follow_ups_held: list[FollowUp]
    follow_ups_due: FollowUpsDue
    quiet: Sequence[Innovation]
    moves: list[TransitionLog]
    stops: list[TransitionLog]
    evaluations: Sequence[Evaluation]


def parse_period(
    start: Any, end: Any, quiet_months: Any = None
) -> tuple[datetime.date, datetime.date, int]:
    """A period from strings (YYYY-MM-DD) or dates; by default the last twelve months."""
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}

    def read(name: str, value: Any, default: datetime.date) -> datetime.date:
        if value in (None, ""):
            return default
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            return default

    first = read("start", start, today - datetime.timedelta(days=365))
    last = read("end", end, today)
    months = DEFAULT_QUIET_MONTHS
    if quiet_months not in (None, ""):
        try:
            months = int(quiet_months)
            if not 1 <= months <= 60:
                raise ValueError
        except (TypeError, ValueError):
            errors["months"] = [_("Give a whole number of months between 1 and 60.")]
    if not errors and first > last:
        errors["end"] = [_("The end cannot be before the start.")]
    if errors:
        raise ValidationFailed(errors)
    return first, last, months


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return datetime.date(year, month, min(day.day, 28))


def _effective(records) -> list:
    """The records as they stand after their corrections; annulled ones drop out."""
    return [r for r in (effective_record(record) for record in records) if not r.annulled]


def committee_report(
    committee: Committee,
    *,
    start: datetime.date,
    end: datetime.date,
    quiet_months: int = DEFAULT_QUIET_MONTHS,
    viewer=None,
) -> CommitteeReport:
    """What the committee did in a period: the mandates it gave (with what the decision
    records of the card), the follow-ups it held against those due, its innovations without
    political follow-up for more than ``quiet_months``, the moves it decided, its stops with
    reason and learning, and the evaluations with their verdict."""
    # The records as they stand after their corrections: a correction may change the
    # outcome, the transition or the meeting, or annul the record. Read those matching as
    # recorded and every corrected one, then keep what matches as corrected.
    in_period = Q(meeting__date__gte=start, meeting__date__lte=end, meeting__committee=committee)
    corrected = Q(corrections__isnull=False, innovation__organisation_id=committee.organisation_id)

    def visible(queryset: QuerySet) -> QuerySet:
        # a record taken on a closed item is in the report only for those who may see it
        return queryset if viewer is None else closed.visible_records(queryset, viewer)

    def here(record) -> bool:
        return record.meeting.committee_id == committee.pk and start <= record.meeting.date <= end

    mandates = [
        d
        for d in _effective(
            visible(
                Decision.objects.filter(
                    (in_period & Q(transition="mandate", outcome__in=APPROVED_OUTCOMES)) | corrected
                )
            )
            .distinct()
            .select_related("innovation", "meeting", "meeting__committee")
            .prefetch_related("corrections")
            .order_by("meeting__date", "id")
        )
        if here(d) and d.transition == "mandate" and d.outcome in APPROVED_OUTCOMES
    ]
    held = [
        f
        for f in _effective(
            visible(FollowUp.objects.filter(in_period | corrected))
            .distinct()
            .select_related("innovation", "meeting", "meeting__committee")
            .prefetch_related("corrections")
            .order_by("meeting__date", "id")
        )
        if here(f)
    ]
    due = Checkpoint.objects.filter(
        committee=committee,
        kind=CheckpointKind.FOLLOW_UP,
        due_date__gte=start,
        due_date__lte=end,
    )
    today = timezone.localdate()
    statuses = list(due.values_list("status", "due_date"))
    follow_ups_due = FollowUpsDue(
        due=len(statuses),
        answered=sum(1 for s, _d in statuses if s == CheckpointStatus.COMPLETED),
        open_overdue=sum(1 for s, d in statuses if s == CheckpointStatus.OPEN and d < today),
        open_not_yet_due=sum(1 for s, d in statuses if s == CheckpointStatus.OPEN and d >= today),
        waived_or_cancelled=sum(
            1 for s, _d in statuses if s in (CheckpointStatus.WAIVED, CheckpointStatus.CANCELLED)
        ),
    )
    last_decision = (
        Decision.objects.filter(innovation=OuterRef("pk"))
        .order_by("-meeting__date")
        .values("meeting__date")[:1]
    )
    last_follow_up = (
        FollowUp.objects.filter(innovation=OuterRef("pk"))
        .order_by("-meeting__date")
        .values("meeting__date")[:1]
    )
    epoch = Value(datetime.date(1900, 1, 1), output_field=DateField())
    threshold = _months_before(end, quiet_months)
    quiet = list(
        Innovation.objects.filter(committee=committee, created_at__date__lte=threshold)
        .exclude(state__in=FINAL_STATES)
        .annotate(
            last_political=Greatest(
                Coalesce(Subquery(last_decision, output_field=DateField()), epoch),
                Coalesce(Subquery(last_follow_up, output_field=DateField()), epoch),
            )
        )
        .filter(last_political__lt=threshold)
        .order_by("last_political", "title")
    )
    for innovation in quiet:
        if innovation.last_political == datetime.date(1900, 1, 1):
            innovation.last_political = None
    evidence_here = Q(decision__meeting__committee=committee) | Q(
        follow_up__meeting__committee=committee
    )
    moves_here = TransitionLog.objects.annotate(day=TruncDate("at")).filter(
        evidence_here, day__gte=start, day__lte=end
    )
    if viewer is not None:
        moves_here = moves_here.filter(
            (Q(decision__isnull=True) | closed.may_see(viewer, "decision__"))
            & (Q(follow_up__isnull=True) | closed.may_see(viewer, "follow_up__"))
        )
    moves = list(
        moves_here.select_related("innovation", "decision__meeting", "follow_up__meeting").order_by(
            "at", "id"
        )
    )
    evaluations = list(
        Evaluation.objects.annotate(day=TruncDate("submitted_at"))
        .filter(innovation__committee=committee, day__gte=start, day__lte=end)
        .select_related("innovation")
        .order_by("submitted_at", "id")
    )
    return CommitteeReport(
        committee=committee,
        start=start,
        end=end,
        quiet_months=quiet_months,
        mandates=mandates,
        follow_ups_held=held,
        follow_ups_due=follow_ups_due,
        quiet=quiet,
        moves=[m for m in moves if m.transition != "stop"],
        stops=[m for m in moves if m.transition == "stop"],
        evaluations=evaluations,
    )


def evaluation_verdict(evaluation: Evaluation) -> str:
    """The verdict as the evaluation records it today: the effects on the intended values
    and the recommendation on spreading. (The mandate card adds a verdict on the value
    direction; show it here when it exists.)"""
    effects = evaluation.effects or {}
    improved = sum(1 for e in effects.values() if (e or {}).get("effect") == "improved")
    parts = []
    if effects:
        parts.append(
            _("%(improved)d of %(total)d intended values improved")
            % {"improved": improved, "total": len(effects)}
        )
    if evaluation.spreading:
        parts.append(str(evaluation.get_spreading_display()))
    return "; ".join(parts)


REPORT_COLUMNS = [
    csv_export.Column("section", gettext_lazy("Section")),
    csv_export.Column("date", gettext_lazy("Date")),
    csv_export.Column("innovation", gettext_lazy("Innovation")),
    csv_export.Column("what", gettext_lazy("What")),
    csv_export.Column("detail", gettext_lazy("Detail")),
    csv_export.Column("learning", gettext_lazy("What was learned")),
]

SECTION_LABELS = {
    "mandate": gettext_lazy("Mandate given"),
    "follow_up": gettext_lazy("Follow-up held"),
    "follow_ups_due": gettext_lazy("Follow-ups due"),
    "quiet": gettext_lazy("No political follow-up"),
    "move": gettext_lazy("Move"),
    "stop": gettext_lazy("Stop"),
    "evaluation": gettext_lazy("Evaluation"),
}
REPORT_COLUMNS[0] = csv_export.Column("section", gettext_lazy("Section"), SECTION_LABELS)


def _phase(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def report_rows(report: CommitteeReport, fmt: str) -> Iterator[list[Any]]:
    excel = fmt == csv_export.EXCEL
    for d in report.mandates:
        yield ["mandate", d.meeting.date, d.innovation.title, d.get_outcome_display() if excel
               else d.outcome, d.value_direction, ""]  # fmt: skip
    for f in report.follow_ups_held:
        yield ["follow_up", f.meeting.date, f.innovation.title,
               f.get_assessment_display() if excel else f.assessment, f.taken_note, ""]  # fmt: skip
    due = report.follow_ups_due
    yield ["follow_ups_due", report.end, "", due.due,
           _("answered %(a)d, overdue %(o)d, not yet due %(n)d, waived or cancelled %(w)d")
           % {"a": due.answered, "o": due.open_overdue, "n": due.open_not_yet_due,
              "w": due.waived_or_cancelled}, ""]  # fmt: skip
    for i in report.quiet:
        yield [
            "quiet",
            getattr(i, "last_political", None),
            i.title,
            _phase(i.state) if excel else i.state,
            "",
            "",
        ]
    for m in report.moves:
        yield ["move", m.at, m.innovation.title,
               f"{_phase(m.source)} → {_phase(m.target)}" if excel
               else f"{m.source} -> {m.target}", "", ""]  # fmt: skip
    for m in report.stops:
        yield ["stop", m.at, m.innovation.title, _phase(m.source) if excel else m.source,
               m.reason, m.learning]  # fmt: skip
    for e in report.evaluations:
        yield ["evaluation", e.submitted_at, e.innovation.title, evaluation_verdict(e),
               e.recommendation, e.learning]  # fmt: skip


def report_csv_lines(report: CommitteeReport, fmt: str) -> Iterator[str]:
    writer = csv_export.Writer(fmt, REPORT_COLUMNS)
    return writer.lines(report_rows(report, fmt))


# --- The briefing of new members ----------------------------------------------------------


MANDATED_STATES = (
    State.EXPLORING,
    State.TESTING,
    State.IMPLEMENTING,
    State.EVALUATING,
    State.SPREADING,
    State.PAUSED,
)


def live_mandates(committee: Committee) -> list[Innovation]:
    """Every innovation of the committee that holds a mandate and is not finished: its value
    direction, the mandate's date, where it stands and what is due next (three queries)."""
    mandate = Decision.objects.filter(
        innovation=OuterRef("pk"), transition="mandate", outcome__in=APPROVED_OUTCOMES
    ).order_by("-meeting__date")
    next_due = Checkpoint.objects.filter(
        innovation=OuterRef("pk"), status=CheckpointStatus.OPEN
    ).order_by("due_date", "id")
    return list(
        Innovation.objects.filter(committee=committee, state__in=MANDATED_STATES)
        .annotate(
            mandated_on=Subquery(mandate.values("meeting__date")[:1]),
            next_due_date=Subquery(next_due.values("due_date")[:1]),
            next_due_kind=Subquery(next_due.values("kind")[:1]),
            next_due_title=Subquery(next_due.values("title")[:1]),
        )
        .select_related("owner")
        .order_by(F("next_due_date").asc(nulls_last=True), "title")
    )


def kind_label(kind: str | None) -> str:
    return str(CheckpointKind(kind).label) if kind in CheckpointKind.values else ""
