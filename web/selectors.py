"""Reads for the pages, scoped to what the person may see, in a fixed number of queries.

The domain's own selectors (innovations, decisions, reminders) do the real work; this module
picks and combines them per page.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import cast
from urllib.parse import urlsplit

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from notifications.models import Notification

from decisions import closed
from decisions.models import Decision, FollowUp
from decisions.selectors import mark_corrections
from innovations import permissions
from innovations.models import FINAL_STATES, Effect, EffectBasis, Innovation, State
from innovations.models import Value as InnovationValue
from innovations.selectors import visible_innovations
from innovations.workflow import specs_from
from organisations.models import (
    AccessibilityStatement,
    Committee,
    Meeting,
    Membership,
    MembershipRole,
    Role,
)
from reminders.calendar import feed_url
from reminders.models import COMMITTEE_KINDS, Checkpoint, CheckpointStatus, Responsible
from reminders.selectors import calendar_meetings, notifications_for
from reminders.selectors import unread_count as reminders_unread_count

# --- Header ---------------------------------------------------------------------------------


def unread_count(user) -> int:
    return reminders_unread_count(user)


class LazyUnreadCount:
    """Counted only when a template shows it, once per request."""

    def __init__(self, user) -> None:
        self.user = user
        self._value: int | None = None

    @property
    def value(self) -> int:
        if self._value is None:
            self._value = unread_count(self.user)
        return self._value

    def __int__(self) -> int:
        return self.value

    def __str__(self) -> str:
        return str(self.value)

    def __bool__(self) -> bool:
        return self.value > 0


@dataclasses.dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise

    @property
    def url(self) -> str:
        return reverse(self.url_name)


def navigation_for(user) -> list[NavItem]:
    items = [NavItem("home", _("Overview"))]
    if user.role == Role.SECRETARY or user.role == Role.ADMINISTRATOR:
        items.append(NavItem("meeting_list", _("Meetings")))
    if user.role == Role.OFFICIAL:
        items.append(NavItem("my_innovations", _("My innovations")))
    if user.role == Role.POLITICIAN:
        items.append(NavItem("my_follow_ups", _("My follow-ups")))
        items.append(NavItem("proposal_list", _("Member proposals")))
    items.append(NavItem("innovation_list", _("Innovations")))
    items.append(NavItem("committee_index", _("Committees")))
    items.append(NavItem("my_follows", _("Following")))
    items.append(NavItem("catalogue_list", _("Catalogue")))
    if user.role == Role.ADMINISTRATOR:
        items.append(NavItem("dashboard", _("Portfolio")))
        items.append(NavItem("barometer", _("Barometer")))
    items.append(NavItem("notifications", _("Notifications")))
    if user.role == Role.POLITICIAN:
        items.append(NavItem("calendar", _("Calendar")))
    items.append(NavItem("preferences", _("Preferences")))
    return items


# --- Innovations ------------------------------------------------------------------------------


def innovation_list(user) -> QuerySet[Innovation]:
    """The innovations the user may see, newest change first; the page narrows them with
    ``portfolio.filters.InnovationFilter``, the API's filters."""
    return visible_innovations(user).order_by("-updated_at", "-id")


def my_innovations(user) -> QuerySet[Innovation]:
    return visible_innovations(user).filter(owner=user).order_by("-updated_at", "-id")


def committees_of(user) -> QuerySet[Committee]:
    if not user.organisation_id:
        return Committee.objects.none()
    return Committee.objects.filter(organisation_id=user.organisation_id)


# --- Meetings ---------------------------------------------------------------------------------


def _count_of(model, **filters) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(meeting=OuterRef("pk"), **filters)
            .order_by()
            .values("meeting")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def my_committee_ids(user) -> set[int]:
    """The committees whose meetings the person logs: their own as secretary, all for admins."""
    if permissions.is_administrator_of(user, user.organisation_id):
        return set(committees_of(user).values_list("pk", flat=True))
    return permissions.secretary_committee_ids(user)


def meetings_of_my_committees(user) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(committee_id__in=my_committee_ids(user))
        .select_related("committee")
        .annotate(decision_count=_count_of(Decision), follow_up_count=_count_of(FollowUp))
        .order_by("-date", "committee__name")
    )


def visible_meeting(user, pk: int) -> Meeting | None:
    return (
        Meeting.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("committee__organisation")
        .first()
    )


def next_meetings(user) -> dict[int, Meeting]:
    """The next meeting (today or later) of each of my committees."""
    today = timezone.localdate()
    result: dict[int, Meeting] = {}
    for meeting in (
        Meeting.objects.filter(committee_id__in=my_committee_ids(user), date__gte=today)
        .select_related("committee")
        .order_by("date")
    ):
        result.setdefault(meeting.committee_id, meeting)
    return result


@dataclasses.dataclass
class MeetingItem:
    kind: str  # "decision" or "follow_up"
    record: Decision | FollowUp


def meeting_items(meeting: Meeting, user=None) -> list[MeetingItem]:
    """The records of a meeting; for a ``user``, without the closed items they may not see."""
    decisions = (
        Decision.objects.filter(meeting=meeting)
        .select_related("innovation", "recorded_by", "agenda_entry")
        .prefetch_related("corrections__recorded_by")
    )
    follow_ups = (
        FollowUp.objects.filter(meeting=meeting)
        .select_related("innovation", "recorded_by", "agenda_entry")
        .prefetch_related("corrections__recorded_by")
    )
    if user is not None:
        decisions = closed.visible_records(decisions, user)  # type: ignore[assignment]
        follow_ups = closed.visible_records(follow_ups, user)  # type: ignore[assignment]
    items = [MeetingItem("decision", mark_corrections(d)) for d in decisions] + [
        MeetingItem("follow_up", mark_corrections(f)) for f in follow_ups
    ]
    items.sort(key=lambda item: (item.record.recorded_at, item.record.pk))
    return items


def innovations_for_meeting(meeting: Meeting) -> QuerySet[Innovation]:
    """What can be on this meeting's agenda: the committee's innovations, or all for the council."""
    queryset = Innovation.objects.filter(organisation_id=meeting.committee.organisation_id).exclude(
        state__in=FINAL_STATES
    )
    if not meeting.committee.is_council:
        queryset = queryset.filter(committee_id=meeting.committee_id)
    return queryset.select_related("committee").order_by("title")


def record_of(user, kind: str, pk: int) -> Decision | FollowUp | None:
    model = Decision if kind == "decision" else FollowUp
    return (
        closed.visible_records(model.objects.visible_to(user).filter(pk=pk), user)
        .select_related("innovation", "meeting__committee")
        .prefetch_related("corrections__recorded_by")
        .first()
    )


def recent_decisions_for_committees(committee_ids: set[int], *, days: int = 90) -> QuerySet:
    since = timezone.localdate() - datetime.timedelta(days=days)
    return (
        Decision.objects.filter(meeting__committee_id__in=committee_ids, meeting__date__gte=since)
        .select_related("innovation", "meeting__committee")
        .order_by("-meeting__date", "-recorded_at")
    )


def meetings_for_correction(record: Decision | FollowUp) -> QuerySet[Meeting]:
    """Where the record may be moved: past meetings of the innovation's committee or council."""
    innovation = record.innovation
    return (
        Meeting.objects.filter(
            Q(committee_id=innovation.committee_id)
            | Q(committee__organisation_id=innovation.organisation_id, committee__is_council=True),
            date__lte=timezone.localdate(),
        )
        .select_related("committee")
        .order_by("-date")
    )


def corrected_view(record: Decision | FollowUp, fields: list[str]) -> dict:
    """The record's values as they stand after its corrections, newest correction last."""
    values = {field: getattr(record, field) for field in fields}
    if "meeting" in values:
        values["meeting"] = record.meeting_id
    for correction in record.corrections.all():
        for key, value in correction.corrected_values.items():
            if key not in values:
                continue
            if key == "follow_up_date" and value:
                value = datetime.date.fromisoformat(value)
            values[key] = value
    return values


# --- Checkpoints (the reminders app) -------------------------------------------------------------


def _open_checkpoints() -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(status=CheckpointStatus.OPEN).select_related(
        "innovation", "committee", "responsible_person"
    )


def politician_committee_ids(user) -> set[int]:
    return set(
        Membership.objects.valid_on(timezone.localdate())
        .filter(person=user, committee__organisation_id=user.organisation_id)
        .exclude(role=MembershipRole.SECRETARY)
        .values_list("committee_id", flat=True)
    )


def follow_ups_due(user):
    """Open checkpoints at my committees, soonest (most overdue) first."""
    checkpoints = _open_checkpoints()
    if not user.organisation_id:
        return []
    # the committees are the person's own organisation's (politician_committee_ids), so the
    # checkpoints are too; a second filter on the innovation's organisation made PostgreSQL
    # misjudge the row count and loop over every committee (12 ms instead of 2 nationally)
    committee_ids = politician_committee_ids(user)
    # the person named on a checkpoint fetched for the page's rows only: joined, PostgreSQL
    # hashed every user before sorting
    checkpoints = (
        checkpoints.select_related(None)
        .select_related("innovation", "committee")
        .prefetch_related("responsible_person")
    )
    return checkpoints.filter(
        committee_id__in=committee_ids,
        # what the committee decides or follows up; documentation and evaluations are the
        # owning official's to deliver
        kind__in=COMMITTEE_KINDS,
        responsible=Responsible.COMMITTEE,
    ).order_by("due_date", "id")


def checkpoints_for(user) -> list:
    """What I must deliver myself, soonest first: the owner's checkpoints of the innovations I
    own, and those set for me by name (the same ones I am reminded of); not the committee's."""
    checkpoints = _open_checkpoints()
    if not user.organisation_id:
        return []
    return list(
        checkpoints.filter(
            Q(
                responsible=Responsible.OWNER,
                responsible_person__isnull=True,
                innovation__owner=user,
            )
            | Q(responsible_person=user),
            innovation__organisation_id=user.organisation_id,
        ).order_by("due_date", "id")[:200]
    )


def visible_checkpoint(user, pk: int):
    return Checkpoint.objects.visible_to(user).filter(pk=pk).select_related("innovation").first()


def checkpoints_of_innovation(innovation: Innovation) -> list:
    """The innovation's open checkpoints, each holding the innovation in hand (not joined
    and read again for every row)."""
    checkpoints = list(
        _open_checkpoints()
        .select_related(None)
        .select_related("committee", "responsible_person")
        .filter(innovation=innovation)
        .order_by("due_date", "id")
    )
    for checkpoint in checkpoints:
        checkpoint.innovation = innovation
    return checkpoints


@dataclasses.dataclass
class AgendaGroup:
    committee: Committee
    next_meeting: Meeting | None
    checkpoints: list


def agenda_to_prepare(user) -> list[AgendaGroup]:
    """Per committee I serve: the decisions and follow-ups due by its next meeting."""
    committee_ids = my_committee_ids(user)
    if not committee_ids:
        return []
    upcoming = next_meetings(user)
    committees = list(
        Committee.objects.filter(pk__in=committee_ids).order_by("-is_council", "name")
    )
    checkpoints = _open_checkpoints()
    due: dict[int, list] = {}
    horizon = max(
        [m.date for m in upcoming.values()] + [timezone.localdate() + datetime.timedelta(days=30)]
    )
    for checkpoint in checkpoints.filter(
        committee_id__in=committee_ids,
        kind__in=("decision", "follow_up"),
        due_date__lte=horizon,
    ).order_by("due_date", "id")[:500]:
        committee_id = cast(int, checkpoint.committee_id)  # filtered by committee_id__in
        meeting = upcoming.get(committee_id)
        limit = meeting.date if meeting else timezone.localdate() + datetime.timedelta(days=30)
        if checkpoint.due_date <= limit:
            due.setdefault(committee_id, []).append(checkpoint)
    return [AgendaGroup(c, upcoming.get(c.pk), due.get(c.pk, [])) for c in committees]


@dataclasses.dataclass
class CommitteeMeetings:
    """A committee I serve, its last meeting (today or before) and its next one, with the
    decisions and follow-ups still open by each: the secretary's starting point."""

    committee: Committee
    last: Meeting | None
    next: Meeting | None
    due_at_last: list
    due_at_next: list

    @property
    def last_is_today(self) -> bool:
        return self.last is not None and self.last.date == timezone.localdate()


def meeting_overview(user) -> list[CommitteeMeetings]:
    """Each of my committees' last and next meeting, in a fixed number of queries."""
    committee_ids = my_committee_ids(user)
    if not committee_ids:
        return []
    today = timezone.localdate()

    def meeting_of(**filters):
        ordering = "-date" if "date__lte" in filters else "date"
        return Subquery(
            Meeting.objects.filter(committee=OuterRef("pk"), **filters)
            .order_by(ordering)
            .values("pk")[:1]
        )

    committees = list(
        Committee.objects.filter(pk__in=committee_ids)
        .annotate(last_id=meeting_of(date__lte=today), next_id=meeting_of(date__gt=today))
        .order_by("-is_council", "name")
    )
    wanted = {c.last_id for c in committees} | {c.next_id for c in committees}
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(pk__in=wanted - {None})
        .select_related("committee")
        .annotate(decision_count=_count_of(Decision), follow_up_count=_count_of(FollowUp))
    }
    due: dict[int, list] = {}
    checkpoints = _open_checkpoints()
    if checkpoints is not None:
        horizons = {
            c.pk: meetings[c.next_id].date if c.next_id else today + datetime.timedelta(days=30)
            for c in committees
        }
        for checkpoint in checkpoints.filter(
            committee_id__in=committee_ids,
            kind__in=("decision", "follow_up"),
            due_date__lte=max(horizons.values()),
        ).order_by("due_date", "id")[:500]:
            committee_id = checkpoint.committee_id
            if committee_id is not None and checkpoint.due_date <= horizons[committee_id]:
                due.setdefault(committee_id, []).append(checkpoint)
    result = []
    for committee in committees:
        last = meetings.get(committee.last_id)
        cut = last.date if last else today
        items = due.get(committee.pk, [])
        result.append(
            CommitteeMeetings(
                committee=committee,
                last=last,
                next=meetings.get(committee.next_id),
                due_at_last=[c for c in items if c.due_date <= cut],
                due_at_next=[c for c in items if c.due_date > cut],
            )
        )
    return result


def phase_counts(user) -> list[tuple[str, str | Promise, int]]:
    counts = dict(
        visible_innovations(user)
        .select_related(None)
        .order_by()
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return [(state.value, state.label, counts.get(state.value, 0)) for state in State]


# --- Notifications (django-notifications) --------------------------------------------------------


def notifications_of(user, *, unread_only: bool = False):
    return notifications_for(user, unread_only=unread_only)


def notification_of(user, pk: int):
    return Notification.objects.filter(recipient=user, pk=pk).first()


def notification_url(notification) -> str:
    """Where opening a notification leads: the link it carries, else its innovation."""
    data = notification.data or {}
    url = data.get("url") or data.get("link") or ""
    if url:
        # Only ever a path on this site, whatever host the link was written with.
        parts = urlsplit(url)
        if parts.path.startswith("/"):
            return (
                parts.path
                + (f"?{parts.query}" if parts.query else "")
                + (f"#{parts.fragment}" if parts.fragment else "")
            )
    target = notification.target
    innovation = getattr(target, "innovation", None) or (
        target if isinstance(target, Innovation) else None
    )
    if innovation is not None:
        return reverse("innovation_detail", args=[innovation.pk])
    return ""


def calendar_feed_url(user) -> str:
    """The feed's address on the site's public address (SITE_URL), never the request's host."""
    return feed_url(user)


def meetings_ahead(user, *, limit: int = 10) -> list[Meeting]:
    """The coming meetings of the committees in the person's calendar feed."""
    today = timezone.localdate()
    return list(calendar_meetings(user, today).filter(date__gte=today)[:limit])


def due_by_meeting(meeting: Meeting) -> list:
    """The decisions and follow-ups due at the committee by this meeting's date: its agenda.

    Each decision checkpoint carries ``suggested_transition``: the move forward from the
    innovation's phase, which "record it" pre-fills in the decision form.
    """
    checkpoints = list(
        _open_checkpoints()
        .filter(
            committee_id=meeting.committee_id,
            kind__in=("decision", "follow_up"),
            due_date__lte=meeting.date,
        )
        .order_by("due_date", "id")[:100]
    )
    for checkpoint in checkpoints:
        suggested = forward_transition(checkpoint.innovation.state)
        checkpoint.suggested_transition = suggested if checkpoint.kind == "decision" else ""  # type: ignore[attr-defined]
    return checkpoints


def forward_transition(state: str) -> str:
    """The decision that moves an innovation on from ``state`` along the lifecycle (not a
    pause, a stop or a step back), or "" when there is none."""
    order = [s.value for s in State]
    for spec in specs_from(state):
        if (
            spec.requires == "decision"
            and spec.target in order
            and spec.target not in (State.PAUSED, State.STOPPED)
            and order.index(spec.target) > order.index(state)
        ):
            return spec.name
    return ""


# --- The accessibility statement ------------------------------------------------------------


def accessibility_statement(user):
    """The statement of the person's organisation, else the site's; None for the default."""
    organisation_id = getattr(user, "organisation_id", None)
    statements = {
        s.organisation_id: s
        for s in AccessibilityStatement.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=organisation_id)
        )
    }
    return statements.get(organisation_id) or statements.get(None)


# --- The innovation's papers ------------------------------------------------------------------


@dataclasses.dataclass
class EffectRow:
    value: str
    effect: str
    effect_code: str
    basis: str
    comment: str


@dataclasses.dataclass
class InnovationPapers:
    """What a politician reads before a meeting: documents, the latest status report, and the
    latest evaluation with its effect per value and its recommendation."""

    documents: list
    status_report: object | None
    status_report_count: int
    evaluation: object | None
    effects: list[EffectRow]


def innovation_papers(
    innovation: Innovation, *, evaluations: list, documents: int = 10
) -> InnovationPapers:
    """Three queries whatever the number of papers; the newest evaluation is taken from the
    innovation's ``evaluations`` the page has read already."""
    reports = list(
        innovation.status_reports.select_related("submitted_by", "document").order_by(
            "-submitted_at", "-id"
        )[:1]
    )
    evaluation = max(evaluations, key=lambda e: (e.submitted_at, e.pk), default=None)
    values, effect_labels, bases = (
        dict(InnovationValue.choices),
        dict(Effect.choices),
        dict(EffectBasis.choices),
    )
    effects = []
    if evaluation is not None:
        for value, assessed in (evaluation.effects or {}).items():
            assessed = assessed if isinstance(assessed, dict) else {"effect": str(assessed)}
            code = assessed.get("effect") or ""
            effects.append(
                EffectRow(
                    value=str(values.get(value, value)),
                    effect=str(effect_labels.get(code, code or "–")),
                    effect_code=code,
                    basis=str(bases.get(assessed.get("basis") or "", "")),
                    comment=assessed.get("text") or "",
                )
            )
    return InnovationPapers(
        documents=list(
            innovation.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id")[
                :documents
            ]
        ),
        status_report=reports[0] if reports else None,
        status_report_count=innovation.status_reports.count(),
        evaluation=evaluation,
        effects=effects,
    )
