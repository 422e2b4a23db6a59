"""The demo world: two municipalities and a region, two years of decisions, built by the services.

Every innovation, decision, follow-up, status report, evaluation, share and reuse is made by
the real services (``innovations.services``, ``decisions.services``) acting as the person who
would do it: the owning official raises the need and submits the evaluation, the committee's
secretary records the decisions and follow-ups, the administrator shares. The clock is set to
each meeting with ``time_machine`` (late afternoon, Europe/Copenhagen), so recorded times, the
transition log and the time spent in each phase read like a real history, and the services'
own rule that a meeting must have taken place holds.

Idempotent by natural keys: people by username, committees by (organisation, name), meetings
by (committee, date), memberships by (person, committee, role, valid from), innovations by
(organisation, title). An innovation that exists is left alone, history and all.
"""

from __future__ import annotations

import dataclasses
import datetime
import zoneinfo
from collections.abc import Callable
from decimal import Decimal

import time_machine
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.enums import APPROVED_OUTCOMES, EvidenceKind
from decisions import mandate_services
from decisions import services as decision_services
from innovations import services as innovation_services
from innovations.models import Innovation, State
from innovations.workflow import transition_choices
from organisations.admin_access import ensure_administrators_group
from organisations.models import (
    Committee,
    Meeting,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

from . import content
from . import mandate_content as demo_mandate
from . import politics_content as politics_demo

TZ = zoneinfo.ZoneInfo("Europe/Copenhagen")
COMMITTEE_SEATS = 5
COUNCIL_SEATS = 13
HISTORY_MONTHS = 24
FUTURE_MONTHS = 3
FOLLOW_UP_TRANSITIONS = {name for name, _label in transition_choices(EvidenceKind.FOLLOW_UP)}


class DemoError(Exception):
    """The demo cannot be built as described (a bug in the demo's data, not in Spor)."""


@dataclasses.dataclass
class Summary:
    people_created: int = 0
    meetings_created: int = 0
    innovations_created: int = 0
    innovations_present: int = 0
    logins: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)


# --- Electoral terms and calendars -----------------------------------------------------------


def electoral_terms(today: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """The previous and the current four-year term (councils sit from 1 January 2026, ...)."""
    start_year = 2026 + 4 * ((today.year - 2026) // 4)
    current = (datetime.date(start_year, 1, 1), datetime.date(start_year + 3, 12, 31))
    previous = (datetime.date(start_year - 4, 1, 1), datetime.date(start_year - 1, 12, 31))
    return previous, current


def _months(today: datetime.date) -> list[tuple[int, int]]:
    index = today.year * 12 + today.month - 1
    return [
        (i // 12, i % 12 + 1)
        for i in range(index - HISTORY_MONTHS, index + FUTURE_MONTHS + 1)
        if i % 12 + 1 != 7  # no meetings in July, the summer break
    ]


def meeting_dates(today: datetime.date, *, weekday: int, week: int | None) -> list[datetime.date]:
    """Monthly meeting days: the ``week``-th ``weekday`` of the month, or the last one."""
    dates = []
    for year, month in _months(today):
        first = datetime.date(year, month, 1)
        day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7)
        if week is None:
            while (day + datetime.timedelta(days=7)).month == month:
                day += datetime.timedelta(days=7)
        else:
            day += datetime.timedelta(days=7 * week)
        dates.append(day)
    return dates


def working_day_after(day: datetime.date, days: int) -> datetime.date:
    day += datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time on ``day``, moved back to the Friday before when it falls at a weekend."""
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


# --- People, committees, meetings ------------------------------------------------------------


def _ascii(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return slugify(text)


@dataclasses.dataclass
class World:
    """One organisation as the demo builds it."""

    spec: content.DemoOrganisation
    organisation: Organisation
    council: Committee
    committees: dict[str, Committee]
    people: dict[str, User]
    secretary_of: dict[int, User]
    parties_of: dict[int, list[str]]
    past_meetings: dict[int, list[Meeting]]

    def secretary_for(self, committee: Committee) -> User:
        return self.secretary_of[committee.pk]


class Builder:
    def __init__(self, *, today: datetime.date, summary: Summary) -> None:
        self.today = today
        self.summary = summary
        self.password = make_password(content.DEMO_PASSWORD)
        self.previous_term, self.current_term = electoral_terms(today)
        self.admin_group: Group | None = None
        self.known_people: dict[str, User] = {}
        self.known_memberships: set[tuple[int, int, str, datetime.date]] = set()
        self.new_memberships: list[Membership] = []

    # People

    def person(
        self,
        username: str,
        *,
        organisation: Organisation | None,
        role: str,
        name: tuple[str, str],
        title: str,
        staff: bool = False,
        superuser: bool = False,
    ) -> User:
        user = self.known_people.get(username)
        if user is None:
            user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        user = User.objects.create(
            username=username,
            organisation=organisation,
            role=role,
            first_name=name[0],
            last_name=name[1],
            title=title,
            email=f"{username}@spor-demo.example.org",
            password=self.password,
            is_staff=staff or superuser,
            is_superuser=superuser,
        )
        self.summary.people_created += 1
        if role == Role.ADMINISTRATOR and staff:
            user.groups.add(self.administrators_group())
        return user

    def administrators_group(self) -> Group:
        if self.admin_group is None:
            self.admin_group = ensure_administrators_group()
        return self.admin_group

    def membership(
        self,
        person: User,
        committee: Committee,
        role: str,
        term: tuple[datetime.date, datetime.date],
    ) -> None:
        key = (person.pk, committee.pk, role, term[0])
        if key not in self.known_memberships:
            self.known_memberships.add(key)
            self.new_memberships.append(
                Membership(
                    person=person,
                    committee=committee,
                    role=role,
                    valid_from=term[0],
                    valid_to=term[1],
                )
            )

    def world(self, spec: content.DemoOrganisation) -> World:
        organisation = Organisation.objects.get(code=spec.code)
        region = organisation.kind == OrganisationKind.REGION
        self.known_people = {u.username: u for u in User.objects.filter(organisation=organisation)}
        self.known_memberships = set(
            Membership.objects.filter(committee__organisation=organisation).values_list(
                "person_id", "committee_id", "role", "valid_from"
            )
        )
        self.new_memberships = []
        council = Committee.objects.get(organisation=organisation, is_council=True)
        committees = {}
        for committee_spec in spec.committees:
            committees[committee_spec.key], _ = Committee.objects.get_or_create(
                organisation=organisation, name=committee_spec.name
            )
        offset = {"0751": 0, "0461": 11, "1082": 23}.get(spec.code, 5)

        def name(i: int) -> tuple[str, str]:
            return (
                content.FIRST_NAMES[(i * 5 + offset) % len(content.FIRST_NAMES)],
                content.LAST_NAMES[(i * 7 + offset * 3) % len(content.LAST_NAMES)],
            )

        slug = spec.slug
        member_title = "Regionsrådsmedlem" if region else "Kommunalbestyrelsesmedlem"
        people = {
            "admin": self.person(
                f"{slug}-admin",
                organisation=organisation,
                role=Role.ADMINISTRATOR,
                name=name(17),
                title="Innovationskonsulent, Innovation og Digitalisering",
                staff=True,
            ),
            "sekretaer": self.person(
                f"{slug}-sekretaer",
                organisation=organisation,
                role=Role.SECRETARY,
                name=name(18),
                title="Udvalgssekretær, Politisk Sekretariat",
            ),
            "sekretaer-2": self.person(
                f"{slug}-sekretaer-2",
                organisation=organisation,
                role=Role.SECRETARY,
                name=name(19),
                title="Udvalgssekretær, Politisk Sekretariat",
            ),
            "embedsmand": self.person(
                f"{slug}-embedsmand",
                organisation=organisation,
                role=Role.OFFICIAL,
                name=name(20),
                title="Projektleder",
            ),
            "embedsmand-2": self.person(
                f"{slug}-embedsmand-2",
                organisation=organisation,
                role=Role.OFFICIAL,
                name=name(21),
                title="Chefkonsulent",
            ),
            "embedsmand-3": self.person(
                f"{slug}-embedsmand-3",
                organisation=organisation,
                role=Role.OFFICIAL,
                name=name(22),
                title="Udviklingskonsulent",
            ),
        }
        politicians = []
        for i in range(17):
            first, last = name(i)
            party = content.PARTIES[i % len(content.PARTIES)]
            username = f"{slug}-politiker" if i == 0 else f"{slug}-{_ascii(first)}-{_ascii(last)}"
            politicians.append(
                (
                    self.person(
                        username,
                        organisation=organisation,
                        role=Role.POLITICIAN,
                        name=(first, last),
                        title=f"{member_title} ({party})",
                    ),
                    party,
                )
            )
        people["politiker"] = politicians[0][0]

        # Seats: 13 on the council in each term; 9 were re-elected in 2025, 4 were not.
        current = politicians[:13]
        previous = politicians[:9] + politicians[13:17]
        parties_of: dict[int, list[str]] = {}
        secretary_of: dict[int, User] = {council.pk: people["sekretaer"]}
        for term, seated in ((self.previous_term, previous), (self.current_term, current)):
            chair = seated[9]  # the mayor (or the chair of the regional council)
            self.membership(chair[0], council, MembershipRole.CHAIR, term)
            for person, _party in seated:
                if person != chair[0]:
                    self.membership(person, council, MembershipRole.MEMBER, term)
            for k, committee_spec in enumerate(spec.committees):
                committee = committees[committee_spec.key]
                seats = [seated[(k * 3 + j + 9) % len(seated)] for j in range(COMMITTEE_SEATS)]
                roles = [MembershipRole.CHAIR, MembershipRole.VICE_CHAIR] + [
                    MembershipRole.MEMBER
                ] * (COMMITTEE_SEATS - 2)
                for (person, _party), role in zip(seats, roles, strict=True):
                    self.membership(person, committee, role, term)
                parties_of[committee.pk] = [party for _person, party in seats]
                secretary = people[
                    "sekretaer" if committee_spec.secretary == "main" else "sekretaer-2"
                ]
                secretary_of[committee.pk] = secretary
                self.membership(secretary, committee, MembershipRole.SECRETARY, term)
            self.membership(people["sekretaer"], council, MembershipRole.SECRETARY, term)
        parties_of[council.pk] = [party for _person, party in current]
        Membership.objects.bulk_create(self.new_memberships)

        past_meetings = {
            council.pk: self.meetings(spec, council, weekday=spec.meeting_weekday, week=None)
        }
        for k, committee_spec in enumerate(spec.committees):
            committee = committees[committee_spec.key]
            past_meetings[committee.pk] = self.meetings(
                spec, committee, weekday=spec.meeting_weekday, week=k % 3
            )
        for role_key in ("admin", "sekretaer", "embedsmand", "politiker"):
            self.summary.logins.append(
                (organisation.name, people[role_key].username, people[role_key].get_full_name())
            )
        return World(
            spec=spec,
            organisation=organisation,
            council=council,
            committees=committees,
            people=people,
            secretary_of=secretary_of,
            parties_of=parties_of,
            past_meetings=past_meetings,
        )

    def meetings(
        self,
        spec: content.DemoOrganisation,
        committee: Committee,
        *,
        weekday: int,
        week: int | None,
    ) -> list[Meeting]:
        slug = slugify(_ascii(committee.name))
        existing = set(Meeting.objects.filter(committee=committee).values_list("date", flat=True))
        missing = [
            Meeting(
                committee=committee,
                date=day,
                minutes_url=(
                    f"https://{spec.slug}.example.dk/politik/referater/{slug}/{day.isoformat()}"
                    if day < self.today
                    else ""
                ),
            )
            for day in meeting_dates(self.today, weekday=weekday, week=week)
            if day not in existing
        ]
        Meeting.objects.bulk_create(missing)
        self.summary.meetings_created += len(missing)
        meetings = list(
            Meeting.objects.filter(committee=committee, date__lt=self.today).order_by("date")
        )
        for meeting in meetings:
            meeting.committee = committee
        return meetings


# --- Histories -------------------------------------------------------------------------------

NEXT_STATE = {
    "mandate": State.EXPLORING,
    "approve_test": State.TESTING,
    "approve_implementation": State.IMPLEMENTING,
    "recycle": State.EXPLORING,
    "start_evaluation": State.EVALUATING,
    "spread": State.SPREADING,
    "complete": State.COMPLETED,
    "close": State.COMPLETED,
    "pause": State.PAUSED,
    "stop": State.STOPPED,
}


@dataclasses.dataclass
class Step:
    kind: str  # "decision", "follow_up" or "evaluation"
    state: str  # the phase the innovation is in when the step happens
    transition: str = ""
    outcome: str = "approved"
    at_council: bool = False
    soon: bool = False  # at the next meeting after the previous step
    split: bool = False
    corrected: bool = False  # a correction of the recorded votes follows a few days later
    meeting: Meeting | None = None
    day: datetime.date | None = None


def path_for(spec: content.DemoInnovation) -> list[str]:
    target = spec.target
    explore = ["mandate", "status"]
    to_test = ["approve_test", "status"]
    to_implement = ["approve_implementation", "status"]
    paths = {
        State.NEED: [],
        State.EXPLORING: explore,
        State.TESTING: [*explore, *to_test],
        State.IMPLEMENTING: [*explore, *to_test, *to_implement],
        State.EVALUATING: ["mandate", *to_test, *to_implement, "start_evaluation", "status"],
        State.SPREADING: [
            "mandate",
            *to_test,
            "approve_implementation",
            "start_evaluation",
            "evaluation",
            "spread",
            "status",
        ],
        State.COMPLETED: [
            "mandate",
            *to_test,
            "approve_implementation",
            "start_evaluation",
            "evaluation",
            *(["spread", "status", "close"] if "via_spreading" in spec.twists else ["complete"]),
        ],
        State.PAUSED: [*explore, *(to_test if spec.solution else []), "pause"],
        State.STOPPED: ["mandate", *to_test, "stop"],
    }
    path = list(paths[target])
    if "recycle" in spec.twists:
        i = path.index("approve_test")
        path[i : i + 2] = ["approve_test", "status", "recycle", "status", "approve_test"]
    if "pause_resume" in spec.twists:
        i = path.index("approve_test")
        path[i + 1 : i + 1] = ["pause", "resume"]
    return path


def plan(spec: content.DemoInnovation) -> list[Step]:
    twists: dict[str, set[str]] = {}
    for twist in spec.twists:
        kind, _sep, name = twist.partition(":")
        twists.setdefault(kind, set()).add(name)

    def twisted(kind: str, name: str) -> bool:
        return name in twists.get(kind, set())

    steps: list[Step] = []
    state, paused_from = State.NEED, ""
    names = path_for(spec) if spec.target != State.NEED else ["mandate"]
    for name in names:
        if name == "status":
            steps.append(Step("follow_up", state))
            continue
        if name == "evaluation":
            steps.append(Step("evaluation", state))
            continue
        if name in FOLLOW_UP_TRANSITIONS:
            steps.append(Step("follow_up", state, transition=name))
            state = NEXT_STATE[name]
            continue
        if twisted("rejected", name):
            steps.append(Step("decision", state, name, outcome="rejected"))
        if twisted("postponed", name):
            steps.append(Step("decision", state, name, outcome="postponed"))
        if spec.target == State.NEED:
            break  # a need that was put before the committee but got no mandate (yet)
        referred = twisted("referred", name)
        if referred:
            steps.append(
                Step("decision", state, name, outcome="referred", split=twisted("split", name))
            )
        steps.append(
            Step(
                "decision",
                state,
                name,
                outcome="approved_with_changes" if twisted("changes", name) else "approved",
                at_council=referred,
                soon=referred or twisted("postponed", name),
                split=twisted("split", name) and not referred,
                corrected=twisted("corrected", name),
            )
        )
        if name == "pause":
            paused_from = state
        state = paused_from if name == "resume" else NEXT_STATE[name]
    if spec.target != State.NEED and state != spec.target:
        raise DemoError(f"{spec.title}: the history ends in {state}, not {spec.target}")
    return steps


def schedule(
    steps: list[Step],
    world: World,
    committee: Committee,
    *,
    today: datetime.date,
    ends_days_ago: int,
    not_before: datetime.date | None,
) -> None:
    """Give each step a meeting (or, for an evaluation, a day), spread over the past."""
    meeting_steps = [s for s in steps if s.kind != "evaluation"]
    if not meeting_steps:
        return
    own = world.past_meetings[committee.pk]
    council = world.past_meetings[world.council.pk]
    floor = max(own[0].date, not_before or own[0].date)
    end = today - datetime.timedelta(days=ends_days_ago)
    gaps = max(len(meeting_steps) - 1, 1)
    spacing = min(100, max(30, (end - floor).days // gaps))
    start = max(floor, end - datetime.timedelta(days=spacing * (len(meeting_steps) - 1)))
    previous = floor - datetime.timedelta(days=1)
    for i, step in enumerate(meeting_steps):
        wanted = (
            previous + datetime.timedelta(days=1)
            if step.soon
            else start + datetime.timedelta(days=spacing * i)
        )
        candidates = [m for m in (council if step.at_council else own) if m.date > previous]
        if not candidates:
            raise DemoError(f"no meeting left after {previous} for {committee}")
        step.meeting = next((m for m in candidates if m.date >= wanted), candidates[-1])
        step.day = step.meeting.date
        previous = step.day
    for i, step in enumerate(steps):
        if step.kind == "evaluation":
            before = steps[i - 1].day
            after = steps[i + 1].day
            step.day = max(before + datetime.timedelta(days=1), after - datetime.timedelta(days=10))


# --- Building one innovation -----------------------------------------------------------------


class InnovationBuilder:
    def __init__(
        self,
        *,
        world: World,
        spec: content.DemoInnovation,
        index: int,
        today: datetime.date,
        agenda_numbers: dict[int, int],
    ) -> None:
        self.world = world
        self.spec = spec
        self.index = index
        self.today = today
        self.agenda_numbers = agenda_numbers
        self.owner = world.people[spec.owner]
        self.committee = world.committees[spec.committee]
        self.innovation: Innovation | None = None
        self.last_decision = None
        self.involvement_turn = 0
        self.amended = False

    def travel(self, when: datetime.datetime, action: Callable[[], object]) -> object:
        # Never into the future: a step on a recent day must not outrun the real clock.
        when = min(when, timezone.now() - datetime.timedelta(minutes=5))
        with time_machine.travel(when, tick=False):
            return action()

    def build(self) -> Innovation:
        spec = self.spec
        steps = plan(spec)
        origin = None
        not_before = None
        if spec.reused_from:
            origin = Innovation.objects.get(
                organisation__code=spec.reused_from[0], title=spec.reused_from[1]
            )
            if not origin.shared:
                raise DemoError(f"{spec.title}: reuses {origin}, which is not shared")
            not_before = timezone.localtime(origin.shared_at).date() + datetime.timedelta(days=45)
        ends_days_ago = spec_ends_days_ago(spec, self.index)
        schedule(
            steps,
            self.world,
            self.committee,
            today=self.today,
            ends_days_ago=ends_days_ago,
            not_before=not_before,
        )
        first_day = steps[0].day if steps else self.today - datetime.timedelta(days=ends_days_ago)
        raised = first_day - datetime.timedelta(days=30 if origin else 40 + self.index % 30)
        if origin is not None:
            raised = max(
                raised, timezone.localtime(origin.shared_at).date() + datetime.timedelta(1)
            )
        self.travel(at(raised, 10, 15), lambda: self.raise_need(origin))
        for number, step in enumerate(steps):
            self.run(step, number)
        return self.innovation

    def raise_need(self, origin: Innovation | None) -> None:
        spec = self.spec
        # the frame (budget, deadline, scope) comes with the mandate card
        fields = {
            "need": spec.need,
            "collaborators": list(spec.collaborators),
            "innovation_types": list(spec.types),
            "intended_values": list(spec.values),
            "kle_code": spec.kle,
        }
        if origin is None:
            self.innovation = innovation_services.create_innovation(
                actor=self.owner, title=spec.title, committee=self.committee, **fields
            )
        else:
            reused = innovation_services.reuse_innovation(
                actor=self.owner, origin=origin, committee=self.committee, named=True
            )
            self.innovation = innovation_services.update_innovation(
                actor=self.owner, innovation=reused, title=spec.title, **fields
            )

    def agenda(self, key: str, meeting: Meeting) -> tuple[str, int]:
        # Items 1-2 are the approval of the agenda and the minutes; each matter gets the next.
        item = self.agenda_numbers.get(meeting.pk, 2) + 1
        self.agenda_numbers[meeting.pk] = item
        return f"Punkt {item}: {content.AGENDA[key]} – {self.spec.title}"[:200], item

    def run(self, step: Step, number: int) -> None:
        if step.kind == "evaluation":
            self.travel(at(step.day, 11), self.evaluate)
            return
        key = step.transition or "status"
        agenda_item, item = self.agenda(key, step.meeting)
        when = at(step.day, 16, 0) + datetime.timedelta(minutes=6 * item)
        if step.kind == "follow_up":
            if not step.transition:
                entered = self.innovation.state_entered_at.date()
                if step.state in (State.EXPLORING, State.TESTING):
                    for days in (15, 11):
                        logged = step.day - datetime.timedelta(days=days)
                        if logged > entered:
                            self.travel(at(logged, 13), self.log_involvement)
                report_day = step.day - datetime.timedelta(days=8)
                if report_day > entered:
                    self.travel(at(report_day, 9, 30), lambda: self.status_report(step, number))
            self.travel(when, lambda: self.follow_up(step, agenda_item, number))
            if (
                not step.transition
                and step.state == State.TESTING
                and self.index % 4 == 1
                and not self.amended
            ):
                amend_item, _number = self.agenda("amend_mandate", step.meeting)
                self.travel(
                    when + datetime.timedelta(minutes=4),
                    lambda: self.amend_mandate(step, amend_item),
                )
        else:
            if (
                step.transition == "approve_test"
                and step.outcome == "approved"
                and not (self.innovation.solution)
            ):
                self.travel(
                    at(step.day - datetime.timedelta(days=9), 9),
                    lambda: self.describe_solution(),
                )
            self.travel(when, lambda: self.decide(step, agenda_item, number))
            if step.corrected:
                self.travel(at(working_day_after(step.day, 2), 10), lambda: self.correct(step))
        if step.transition == "spread" and self.spec.shared:
            self.travel(at(step.day, 20), self.share)

    def describe_solution(self) -> None:
        self.innovation = innovation_services.update_innovation(
            actor=self.owner, innovation=self.innovation, solution=self.spec.solution
        )

    def status_report(self, step: Step, number: int) -> None:
        texts = content.STATUS.get(step.state)
        if not texts:
            return
        innovation_services.submit_status_report(
            actor=self.owner,
            innovation=self.innovation,
            assessment="on_track" if (self.index + number) % 3 else "at_risk",
            summary=texts[(self.index + number) % 3 == 0],
            next_steps="Forvaltningen fortsætter efter planen og giver udvalget en ny status.",
        )

    def follow_up(self, step: Step, agenda_item: str, number: int) -> None:
        if step.transition == "start_evaluation":
            summary, taken_note, assessment = *content.START_EVALUATION, "on_track"
        elif step.transition == "close":
            summary, taken_note, assessment = *content.CLOSE, "on_track"
        else:
            texts = content.STATUS[step.state]
            at_risk = (self.index + number) % 3 == 0
            summary = texts[at_risk]
            taken_note = content.TAKEN_NOTE[(self.index + number) % len(content.TAKEN_NOTE)]
            assessment = "at_risk" if at_risk else "on_track"
        against_card: dict = {}
        card = mandate_services.current_card(self.innovation)
        if card is not None and not step.transition:
            at_risk = assessment == "at_risk"
            against_card = {
                "readings": demo_mandate.readings_for(
                    card, progress=Decimal("0.3" if at_risk else "0.6")
                ),
                "serves": "partly" if at_risk else "yes",
                "serves_why": demo_mandate.SERVES_WHY["partly" if at_risk else "yes"],
            }
        result = decision_services.record_follow_up(
            actor=self.world.secretary_for(step.meeting.committee),
            innovation=self.innovation,
            meeting=step.meeting,
            agenda_item=agenda_item,
            assessment=assessment,
            summary=summary,
            taken_note=taken_note,
            transition=step.transition,
            apply_transition=bool(step.transition),
            **against_card,
        )
        self.innovation = result.innovation

    def log_involvement(self) -> None:
        card = mandate_services.current_card(self.innovation)
        if card is None:
            return
        turn = self.index + self.involvement_turn
        self.involvement_turn += 1
        form, title, learned = demo_mandate.ACTIVITIES[turn % len(demo_mandate.ACTIVITIES)]
        platform = ""
        if form in ("workshop", "survey") and self.world.spec.code == "0751":
            platform = f"https://deltag.aarhus.dk/processes/spor-{self.innovation.pk}"
        mandate_services.record_involvement(
            actor=self.owner,
            innovation=self.innovation,
            date=timezone.localdate(),
            form=form,
            title=title,
            participants=demo_mandate.participants_for(card, turn=turn),
            learned=learned,
            platform_url=platform,
        )

    def amend_mandate(self, step: Step, agenda_item: str) -> None:
        card = mandate_services.current_card(self.innovation)
        if card is None:
            return
        committee = step.meeting.committee
        seats = COUNCIL_SEATS if committee.is_council else COMMITTEE_SEATS
        result = decision_services.record_decision(
            actor=self.world.secretary_for(committee),
            innovation=self.innovation,
            meeting=step.meeting,
            agenda_item=agenda_item,
            transition="amend_mandate",
            outcome="approved",
            resolution=demo_mandate.AMENDMENT_RESOLUTION,
            votes_for=seats,
            votes_against=0,
            votes_abstaining=0,
            mandate_card=demo_mandate.amendment_for(card),
            apply_transition=True,
        )
        self.innovation = result.innovation
        self.amended = True

    def decide(self, step: Step, agenda_item: str, number: int) -> None:
        spec = self.spec
        committee = step.meeting.committee
        seats = COUNCIL_SEATS if committee.is_council else COMMITTEE_SEATS
        parties = self.world.parties_of[committee.pk]
        name = step.transition
        minority = ""
        votes: tuple[int | None, int | None, int | None] = (seats, 0, 0)
        if step.outcome == "postponed":
            resolution = content.POSTPONED
            votes = (None, None, None)
        elif step.outcome == "rejected":
            resolution = content.REJECTED
            votes = (seats // 2 - 1, seats // 2 + 2, 0)
        elif step.outcome == "referred":
            resolution = content.REFERRED.format(council=self.world.council.name)
        else:
            resolution = content.RESOLUTIONS[name]
            if step.outcome == "approved_with_changes":
                resolution += content.CHANGES.get(name, "")
        if name == "mandate" and spec.budget and step.outcome != "rejected":
            amount = f"{spec.budget:,}".replace(",", ".")
            resolution += f" Rammen er {amount} kr. {spec.scope}".rstrip()
        if name == "pause":
            resolution += " " + spec.pause_reason
        if name == "stop":
            resolution += " " + spec.stop_reason
        if step.split:
            against = 2 if seats == COMMITTEE_SEATS else 5
            votes = (seats - against, against, 0)
            minority = content.MINORITY[(self.index + number) % len(content.MINORITY)].format(
                party=parties[-1]
            )
        follow_up_date = None
        if step.outcome in APPROVED_OUTCOMES and (
            name == "approve_test" or (name == "mandate" and "follow_up_date" in spec.twists)
        ):
            follow_up_date = step.day + datetime.timedelta(days=182)
        approved = step.outcome in APPROVED_OUTCOMES
        result = decision_services.record_decision(
            actor=self.world.secretary_for(committee),
            innovation=self.innovation,
            meeting=step.meeting,
            agenda_item=agenda_item,
            transition=name,
            outcome=step.outcome,
            resolution=resolution,
            votes_for=votes[0],
            votes_against=votes[1],
            votes_abstaining=votes[2],
            minority_statements=minority,
            value_direction=spec.value_direction if name == "mandate" else "",
            mandate_card=demo_mandate.card_for(spec, index=self.index, day=step.day)
            if name == "mandate"
            else None,
            follow_up_date=follow_up_date,
            apply_transition=approved,
            reason=spec.stop_reason if name == "stop" else "",
            learning=spec.stop_learning if name == "stop" else "",
        )
        self.innovation = result.innovation
        self.last_decision = result.record

    def correct(self, step: Step) -> None:
        decision = self.last_decision
        decision_services.record_correction(
            actor=self.world.secretary_for(step.meeting.committee),
            decision=decision,
            reason=content.CORRECTION_REASON,
            corrected_values={
                "votes_for": decision.votes_for - 1,
                "votes_abstaining": (decision.votes_abstaining or 0) + 1,
            },
        )

    def evaluate(self) -> None:
        spec = self.spec
        effects = {
            value: {
                "effect": "improved" if i < 2 else "unchanged",
                "basis": "measured" if i == 0 else "assessed",
                "text": content.EFFECT_TEXT[value],
            }
            for i, value in enumerate(spec.values)
        }
        card = mandate_services.current_card(self.innovation)
        against_card: dict = {}
        if card is not None:
            met = self.index % 4 != 3
            against_card = {
                "results": demo_mandate.results_for(card, met=met),
                "verdict": "realised" if met else "partly",
                "verdict_why": demo_mandate.SERVES_WHY["yes" if met else "partly"],
            }
        mandate_services.submit_evaluation(
            actor=self.owner,
            innovation=self.innovation,
            method=("internal", "external", "with_citizens")[self.index % 3],
            effects=effects,
            learning=content.EVALUATION_LEARNING,
            recommendation=content.EVALUATION_RECOMMENDATION,
            spreading="recommended" if spec.target == State.SPREADING or spec.shared else "",
            **against_card,
        )
        innovation_services.submit_document(
            actor=self.owner,
            innovation=self.innovation,
            title=f"Evalueringsrapport: {spec.title}"[:300],
            link=f"https://sager.{self.world.spec.slug}.example.dk/sag/{self.innovation.pk}/"
            "evalueringsrapport",
        )

    def share(self) -> None:
        spec = self.spec
        self.innovation = innovation_services.share_innovation(
            actor=self.world.people["admin"],
            innovation=self.innovation,
            contact_role=spec.contact_role or "Innovationskonsulent",
            shared_summary=f"{spec.solution} {content.EVALUATION_LEARNING}",
        )


def spec_ends_days_ago(spec: content.DemoInnovation, index: int) -> int:
    """How long ago the innovation's last step was: spread so the portfolio looks lived in."""
    if spec.reused_from:
        return 6
    if spec.shared and spec.target == State.SPREADING:
        return 150 + index % 40
    return 8 + (index * 29) % 120


# --- The whole demo --------------------------------------------------------------------------


def seed(*, today: datetime.date | None = None) -> Summary:
    """Build the demo, or complete what is missing of it. Running it again changes nothing."""
    today = today or timezone.localdate()
    summary = Summary()
    builder = Builder(today=today, summary=summary)
    with transaction.atomic():
        builder.administrators_group()
        builder.person(
            content.SUPERUSER,
            organisation=None,
            role="",
            name=("Spor", "Administrator"),
            title="Driftsansvarlig",
            superuser=True,
        )
        worlds = {spec.code: builder.world(spec) for spec in content.ORGANISATIONS}
        present = set(
            Innovation.objects.filter(
                organisation__code__in=worlds, title__in=[s.title for s in content.INNOVATIONS]
            ).values_list("organisation__code", "title")
        )
        agenda_numbers: dict[int, int] = {}
        for index, spec in enumerate(content.INNOVATIONS):
            if (spec.org, spec.title) in present:
                summary.innovations_present += 1
                continue
            InnovationBuilder(
                world=worlds[spec.org],
                spec=spec,
                index=index,
                today=today,
                agenda_numbers=agenda_numbers,
            ).build()
            summary.innovations_created += 1
        # What politicians do (demo/politics_content.py): a member proposal, reuse requests,
        # followers and the briefings of the term's new members.
        politics_demo.seed(today=today)
    return summary
