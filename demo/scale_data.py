"""The national dataset: every organisation, its people, committees, meetings and a large
portfolio of innovations with consistent decision histories, written with COPY.

At ``scale=1``: the 103 organisations (loaded by migration), 3,000 politicians, 2,000
officials (plus one administrator per organisation and one secretary per committee), 500
committees (one council per organisation), 25,000 meetings, 100,000 innovations, 1,000,000
checkpoints and 5,000,000 in-app notifications. A smaller ``scale`` divides every count
(never below what one organisation needs), so a test runs the same code in a second.

Every history is one the services could have written: each step of an innovation's walk
through the lifecycle is an approved decision (or a follow-up taken note of) of its
responsible committee at a meeting that took place, dated in order, with its transition log
row pointing at it; a pause remembers its phase, a stop its reason and learning, a spread or
complete has a submitted evaluation before it. Rows are written in bulk, not through the
services (which would take hours), so ``tests/demo/test_scale_data.py`` replays the logs to prove
it. The immutability triggers on the evidence tables refuse UPDATE and DELETE only; COPY is
an INSERT.

Run it on a database of its own (``manage.py generate_scale_data``); it appends to what is
there, taking ids after the highest present.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import random
import resource
import sys
import time
import zoneinfo
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from notifications.models import Notification

from core.enums import EvidenceKind
from decisions.models import Decision, FollowUp, TransitionLog
from innovations.models import Evaluation, Innovation
from innovations.workflow import transition_choices
from organisations.models import Committee, Meeting, Membership, Organisation, User
from reminders import schedule
from reminders.models import Checkpoint, ReminderPolicy

COPENHAGEN = zoneinfo.ZoneInfo("Europe/Copenhagen")
FULL = {
    "politicians": 3_000,
    "officials": 2_000,
    "committees": 500,
    "meetings": 25_000,
    "innovations": 100_000,
    "checkpoints": 1_000_000,
    "notifications": 5_000_000,
}
PASSWORD = "spor-scale-2026"
# The main line of the lifecycle: the transition that leaves each phase, and where it leads.
MAIN_LINE = [
    ("mandate", "need", "exploring"),
    ("approve_test", "exploring", "testing"),
    ("approve_implementation", "testing", "implementing"),
    ("start_evaluation", "implementing", "evaluating"),
]
FOLLOW_UP_TRANSITIONS = {name for name, _label in transition_choices(EvidenceKind.FOLLOW_UP)}
ACTIVE = ["need", "exploring", "testing", "implementing", "evaluating", "spreading"]
# Where the portfolio's innovations stand today (weights).
ENDINGS = [
    ("need", 10),
    ("exploring", 18),
    ("testing", 14),
    ("implementing", 14),
    ("evaluating", 8),
    ("spreading", 6),
    ("completed", 12),
    ("stopped", 10),
    ("paused", 8),
]
SUBJECTS = [
    "Velfærdsteknologi i hjemmeplejen",
    "Skærmbesøg for ældre borgere",
    "Klimatilpasning af byens pladser",
    "Digital skoledag i udskolingen",
    "Borgerinddragelse i lokalplaner",
    "Sundhedshus med fælles indgang",
    "Grøn transport til arbejde",
    "Tryghed i boligområderne",
    "Tidlig indsats i psykiatrien",
    "Ensomhed blandt unge",
    "Genbrug af byggematerialer",
    "Rehabilitering i eget hjem",
    "Sprogstimulering i dagtilbud",
    "Fælles beredskab for hedebølger",
    "Energirenovering af skoler",
]
FIRST_NAMES = ["Anne", "Mette", "Lars", "Jens", "Sofie", "Peter", "Hanne", "Søren", "Ida", "Ali"]
LAST_NAMES = ["Fischer", "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Larsen", "Holm"]
COMMITTEE_NAMES = [
    "Sundheds- og Omsorgsudvalget",
    "Børne- og Ungeudvalget",
    "Teknik- og Miljøudvalget",
    "Kultur- og Fritidsudvalget",
    "Beskæftigelsesudvalget",
    "Socialudvalget",
    "Klimaudvalget",
]
CHECKPOINT_KINDS = ["follow_up", "documentation", "evaluation", "decision"]


@dataclasses.dataclass
class Counts:
    organisations: int
    politicians: int
    officials: int
    committees: int
    meetings: int
    innovations: int
    checkpoints: int
    notifications: int

    @classmethod
    def at(cls, scale: float, available_organisations: int) -> Counts:
        organisations = min(available_organisations, max(1, round(103 * scale)))

        def scaled(name: str, minimum: int) -> int:
            return max(minimum, round(FULL[name] * scale))

        return cls(
            organisations=organisations,
            politicians=scaled("politicians", 3 * organisations),
            officials=scaled("officials", organisations),
            committees=scaled("committees", 2 * organisations),
            meetings=scaled("meetings", 12 * 2 * organisations),
            innovations=scaled("innovations", 10),
            checkpoints=scaled("checkpoints", 10),
            notifications=scaled("notifications", 10),
        )


class Progress:
    """One line per table on stderr: a bar, the rows written, the time taken."""

    def __init__(self, stream: TextIO | None = None, *, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width

    def track(self, label: str, total: int, rows: Iterable) -> Iterator:
        started = time.monotonic()
        step = max(1, total // 100)
        done = 0
        for done, row in enumerate(rows, start=1):
            if done % step == 0:
                self._draw(label, done, total, started)
            yield row
        self._draw(label, done, total, started)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, label: str, done: int, total: int, started: float) -> None:
        share = done / total if total else 1.0
        filled = int(self.width * min(share, 1.0))
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(
            f"\r{label:<14} [{bar}] {share:6.1%} {done:>10,}/{total:,} "
            f"{time.monotonic() - started:6.1f}s"
        )
        self.stream.flush()


@dataclasses.dataclass
class Org:
    id: int
    council: int = 0
    committees: list[int] = dataclasses.field(default_factory=list)  # standing ones
    politicians: list[int] = dataclasses.field(default_factory=list)
    officials: list[int] = dataclasses.field(default_factory=list)
    administrator: int = 0
    innovations: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Step:
    transition: str
    source: str
    target: str


class ScaleData:
    def __init__(
        self,
        *,
        scale: float = 1.0,
        seed: int = 2026,
        now: datetime.datetime | None = None,
        due_now: float = 0.002,
        progress: Progress | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.today = timezone.localtime(self.now, COPENHAGEN).date()
        self.due_now = due_now
        self.progress = progress or Progress()
        organisations = list(Organisation.objects.order_by("code").values_list("pk", flat=True))
        if not organisations:
            raise RuntimeError("no organisations: run migrate first")
        self.counts = Counts.at(scale, len(organisations))
        self.orgs = [Org(id=pk) for pk in organisations[: self.counts.organisations]]
        self.secretary_of: dict[int, int] = {}  # committee -> its secretary
        self.committee_org: dict[int, int] = {}
        self.meetings_of: dict[int, list[tuple[int, datetime.date]]] = {}
        self.policy = ReminderPolicy()  # the defaults every organisation starts with
        self.timings: dict[str, float] = {}

    # --- writing ----------------------------------------------------------------------------

    def _reserve(self, model: type[models.Model], n: int) -> int:
        """The first of ``n`` ids after the highest in use; the sequence moves past them."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # the table name is our own model's, never input
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")  # nosec B608
            (highest,) = cursor.fetchone()
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, highest + n + 1]
            )
        return highest + 1

    def _copy(
        self,
        model: type[models.Model],
        columns: list[str],
        rows: Iterable[tuple],
        *,
        total: int,
        label: str,
        bulk: bool = False,
    ) -> None:
        """COPY the rows in. ``bulk`` (the large tables, whose rows need no trigger) loads
        as PostgreSQL's manual advises: the secondary indexes dropped and built again after,
        the row-by-row foreign key checks replaced by one anti-join per key afterwards."""
        table = model._meta.db_table
        started = time.monotonic()
        indexes = self._drop_secondary_indexes(table) if bulk else []
        skip_triggers = bulk and self.superuser
        with connection.connection.cursor() as cursor:
            if skip_triggers:
                cursor.execute("SET LOCAL session_replication_role = replica")
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in self.progress.track(label, total, rows):
                    copy.write_row(row)
            if skip_triggers:
                cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            if bulk:
                cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                for definition in indexes:
                    cursor.execute(definition)
        if skip_triggers:
            self._check_foreign_keys(model)
        self.timings[label] = self.timings.get(label, 0.0) + time.monotonic() - started

    def _drop_secondary_indexes(self, table: str) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = %s AND i.schemaname = current_schema()
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
                """,
                [table],
            )
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _name, definition in found]

    def _check_foreign_keys(self, model: type[models.Model]) -> None:
        """What the skipped row-by-row checks would have refused, found in one query each."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            for field in model._meta.concrete_fields:
                if not field.is_relation or not field.db_constraint:
                    continue
                target = field.related_model._meta.db_table
                column = field.target_field.column
                cursor.execute(
                    # table and column names are our own models', never input
                    f"SELECT count(*) FROM {table} t LEFT JOIN {target} r "  # nosec B608
                    f"ON r.{column} = t.{field.column} "
                    f"WHERE t.{field.column} IS NOT NULL AND r.{column} IS NULL"
                )
                (missing,) = cursor.fetchone()
                if missing:
                    raise RuntimeError(f"{table}.{field.column}: {missing} rows point nowhere")

    # --- the whole run ----------------------------------------------------------------------

    def generate(self) -> Counts:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (self.backend_pid,) = cursor.fetchone()
            # Skipping the row-by-row triggers needs a superuser; others keep them.
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            (self.superuser,) = cursor.fetchone()
        with transaction.atomic():
            self._committees()
            self._people()
            self._memberships()
            self._meetings()
            self._innovations()
            self._checkpoints()
            self._notifications()
        with connection.cursor() as cursor:
            started = time.monotonic()
            cursor.execute("ANALYZE")
            self.timings["analyze"] = time.monotonic() - started
        return self.counts

    # --- organisations -----------------------------------------------------------------------

    def _committees(self) -> None:
        counts = self.counts
        first = self._reserve(Committee, counts.committees)
        # The migration gives every organisation its council; a committee count includes it.
        councils = dict(
            Committee.objects.filter(is_council=True).values_list("organisation_id", "pk")
        )
        rows = []
        next_id = first
        for index, org in enumerate(self.orgs):
            org.council = councils.get(org.id, 0)
            for k in range(_share(counts.committees, len(self.orgs), index)):
                council = k == 0 and not org.council
                if k == 0 and org.council:
                    self.committee_org[org.council] = org.id
                    continue
                base = (
                    "Kommunalbestyrelsen" if council else COMMITTEE_NAMES[k % len(COMMITTEE_NAMES)]
                )
                name = f"{base} (skala {next_id})"  # unique, also when run again
                rows.append((next_id, org.id, name, council))
                if council:
                    org.council = next_id
                else:
                    org.committees.append(next_id)
                self.committee_org[next_id] = org.id
                next_id += 1
            if not org.committees:  # one organisation, tiny scale: the council decides all
                org.committees.append(org.council)
        self._copy(
            Committee,
            ["id", "organisation_id", "name", "is_council"],
            rows,
            total=len(rows),
            label="committees",
        )

    def _people(self) -> None:
        counts, rng = self.counts, self.rng
        secretaries = counts.committees
        total = counts.politicians + counts.officials + len(self.orgs) + secretaries
        first = self._reserve(User, total)
        password = make_password(PASSWORD)
        joined = self.now - datetime.timedelta(days=4 * 365)
        rows = []
        next_id = first

        def person(org: Org, role: str, kind: str, number: int) -> tuple:
            nonlocal next_id
            pk = next_id
            next_id += 1
            username = f"skala-{kind}-{pk}"
            rows.append(
                (
                    pk, password, False, username,
                    rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES),
                    f"{username}@skala.example", False, True, joined,
                    org.id, role, "", "da", "immediate", f"skala-{pk}-{rng.getrandbits(64):x}",
                )
            )  # fmt: skip
            return pk

        for index, org in enumerate(self.orgs):
            org.administrator = person(org, "administrator", "admin", 0)
            n_pol = _share(counts.politicians, len(self.orgs), index)
            n_off = _share(counts.officials, len(self.orgs), index)
            org.politicians = [person(org, "politician", "pol", k) for k in range(n_pol)]
            org.officials = [person(org, "official", "emb", k) for k in range(n_off)]
            for committee in [org.council, *org.committees]:
                if committee and committee not in self.secretary_of:
                    self.secretary_of[committee] = person(
                        org, "secretary", "sek", len(self.secretary_of)
                    )
        columns = [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "organisation_id", "role", "title",
            "language", "reminder_delivery", "calendar_token",
        ]  # fmt: skip
        self._copy(User, columns, rows, total=len(rows), label="people")
        self.people_total = len(rows)

    def _memberships(self) -> None:
        rng = self.rng
        valid_from = datetime.date(self.today.year - 4, 1, 1)
        rows = []
        for org in self.orgs:
            for politician in org.politicians:
                if org.council:
                    rows.append((politician, org.council, "member", valid_from))
            for committee in org.committees:
                members = rng.sample(org.politicians, min(7, len(org.politicians)))
                for k, politician in enumerate(members):
                    role = "chair" if k == 0 else "vice_chair" if k == 1 else "member"
                    rows.append((politician, committee, role, valid_from))
            for committee in {org.council, *org.committees} - {0}:
                rows.append((self.secretary_of[committee], committee, "secretary", valid_from))
        first = self._reserve(Membership, len(rows))
        rows = [(first + k, *row) for k, row in enumerate(rows)]
        self._copy(
            Membership, ["id", "person_id", "committee_id", "role", "valid_from"], rows,
            total=len(rows), label="memberships",
        )  # fmt: skip

    def _meetings(self) -> None:
        committees = [c for org in self.orgs for c in {org.council, *org.committees} - {0}]
        per = max(3, self.counts.meetings // len(committees))
        future = min(3, per // 4)
        first = self._reserve(Meeting, per * len(committees))
        rows = []
        next_id = first
        month = _month_start(self.today)
        taken = set(  # a council's meetings of an earlier run: one meeting a day
            Meeting.objects.filter(committee__in=committees).values_list("committee", "date")
        )
        for committee in committees:
            dates = []
            for k in range(-(per - future), future):
                start = _add_months(month, k)
                day = start + datetime.timedelta(days=7 + committee % 14)
                while (committee, day) in taken:
                    day += datetime.timedelta(days=1)
                if k < 0 or day > self.today:
                    dates.append(day)
            dates = sorted(set(dates))[:per]
            self.meetings_of[committee] = []
            for day in dates:
                rows.append((next_id, committee, day, f"https://dagsordener.example/{next_id}"))
                if day < self.today:
                    self.meetings_of[committee].append((next_id, day))
                next_id += 1
        self._copy(
            Meeting, ["id", "committee_id", "date", "minutes_url"], rows,
            total=len(rows), label="meetings",
        )  # fmt: skip

    # --- innovations and their histories ------------------------------------------------------

    def _walk(self) -> list[Step]:
        """A path through the lifecycle, from ``need`` to where this innovation stands."""
        rng = self.rng
        ending = rng.choices([e for e, _w in ENDINGS], [w for _e, w in ENDINGS])[0]
        if ending in ("stopped", "paused"):
            last_active = rng.choice(ACTIVE)
        elif ending == "completed":
            last_active = rng.choice(["evaluating", "spreading"])
        else:
            last_active = ending
        steps: list[Step] = []
        state = "need"
        order = ["need", "exploring", "testing", "implementing", "evaluating"]
        target_index = order.index(last_active) if last_active in order else len(order) - 1
        for transition, source, target in MAIN_LINE[:target_index]:
            steps.append(Step(transition, source, target))
            state = target
            if state == "testing" and rng.random() < 0.12 and target_index > 2:
                steps += [Step("recycle", "testing", "exploring")]
                steps += [Step("approve_test", "exploring", "testing")]
            if rng.random() < 0.04:
                steps += [Step("pause", state, "paused"), Step("resume", "paused", state)]
        if last_active == "spreading":
            steps.append(Step("spread", "evaluating", "spreading"))
            state = "spreading"
        if ending == "completed":
            if state == "spreading":
                steps.append(Step("close", "spreading", "completed"))
            else:
                steps.append(Step("complete", "evaluating", "completed"))
        elif ending == "stopped":
            steps.append(Step("stop", state, "stopped"))
        elif ending == "paused":
            steps.append(Step("pause", state, "paused"))
        return steps

    def _innovations(self) -> None:
        counts, rng = self.counts, self.rng
        n = counts.innovations
        first = self._reserve(Innovation, n)
        innovations, decisions, follow_ups, logs, evaluations = [], [], [], [], []
        decision_id = self._reserve(Decision, 6 * n)
        follow_up_id = self._reserve(FollowUp, 3 * n)
        evaluation_id = self._reserve(Evaluation, n)
        log_id = self._reserve(TransitionLog, 6 * n)
        self.innovation_rows: list[tuple[int, Org, int, int, str]] = []
        for k in range(n):
            pk = first + k
            org = self.orgs[k % len(self.orgs)]
            org.innovations.append(pk)
            committee = rng.choice(org.committees)
            owner = rng.choice(org.officials)
            secretary = self.secretary_of[committee]
            steps = self._walk()
            past = self.meetings_of[committee]
            steps = steps[: len(past)]
            chosen = sorted(rng.sample(range(len(past)), len(steps)))
            first_meeting_day = past[chosen[0]][1] if chosen else self.today
            created_at = _at(first_meeting_day - datetime.timedelta(days=rng.randint(10, 60)), 10)
            subject = SUBJECTS[k % len(SUBJECTS)]
            title = f"{subject} {pk}"
            state, paused_from, value_direction = "need", "", ""
            stop_reason = stop_learning = ""
            entered_at = created_at
            previous_at = created_at
            for step, meeting_index in zip(steps, chosen, strict=True):
                meeting_id, day = past[meeting_index]
                recorded_at = _at(day, 15) + datetime.timedelta(minutes=rng.randint(0, 90))
                if step.transition in ("spread", "complete"):
                    submitted = previous_at + (recorded_at - previous_at) / 2
                    evaluations.append(
                        (
                            evaluation_id, pk, "internal", json.dumps({}), "Det virkede.",
                            "Spred løsningen.", "recommended", value_direction,
                            json.dumps(["quality"]), owner, submitted,
                        )
                    )  # fmt: skip
                    evaluation_id += 1
                if step.transition in FOLLOW_UP_TRANSITIONS:
                    follow_ups.append(
                        (
                            follow_up_id, pk, meeting_id, f"Punkt {k % 30 + 1}: {title}"[:200],
                            "on_track", "Status: projektet følger planen.",
                            "Udvalget tog orienteringen til efterretning.", step.transition,
                            secretary, recorded_at,
                        )
                    )  # fmt: skip
                    evidence = (None, follow_up_id)
                    follow_up_id += 1
                else:
                    mandate = step.transition == "mandate"
                    direction = f"Værdiretning for {subject.lower()}" if mandate else ""
                    decisions.append(
                        (
                            decision_id, pk, meeting_id, f"Punkt {k % 30 + 1}: {title}"[:200],
                            step.transition,
                            "approved_with_changes" if rng.random() < 0.1 else "approved",
                            f"Udvalget godkender: {step.transition}.", 7, 2, 0, "",
                            direction, None, secretary, recorded_at,
                        )
                    )  # fmt: skip
                    evidence = (decision_id, None)
                    decision_id += 1
                    if mandate:
                        value_direction = direction
                reason = learning = ""
                if step.transition == "stop":
                    reason = stop_reason = "Effekten udeblev i forhold til indsatsen."
                    learning = stop_learning = "Behovet er reelt; løsningen skal tænkes om."
                logs.append(
                    (
                        log_id, pk, step.transition, step.source, step.target, secretary,
                        recorded_at + datetime.timedelta(minutes=1), *evidence, reason, learning,
                    )
                )  # fmt: skip
                log_id += 1
                paused_from = step.source if step.transition == "pause" else ""
                state = step.target
                entered_at = previous_at = recorded_at + datetime.timedelta(minutes=1)
            shared = state in ("evaluating", "spreading", "completed") and rng.random() < 0.3
            innovations.append(
                (
                    pk, title, f"Borgerne oplever et behov: {subject.lower()}.", value_direction,
                    "En ny måde at arbejde på." if state != "need" else "",
                    None, None, "", org.id, committee, owner, json.dumps(["citizens"]),
                    json.dumps(["service"]), json.dumps(["quality", "efficiency"]), "",
                    shared, entered_at if shared else None, "Projektleder" if shared else "", "",
                    f"Erfaringer med {subject.lower()}." if shared else "",
                    org.administrator if shared else None, state, paused_from, entered_at,
                    stop_reason, stop_learning, owner, created_at, entered_at,
                )
            )  # fmt: skip
            self.innovation_rows.append((pk, org, committee, owner, state))
        innovation_columns = [
            "id", "title", "need", "value_direction", "solution", "frame_budget",
            "frame_deadline", "frame_scope", "organisation_id", "committee_id", "owner_id",
            "collaborators", "innovation_types", "intended_values", "kle_code", "shared",
            "shared_at", "contact_role", "contact_email", "shared_summary", "shared_by_id", "state",
            "paused_from", "state_entered_at", "stop_reason", "stop_learning", "created_by_id",
            "created_at", "updated_at",
        ]  # fmt: skip
        self._copy(Innovation, innovation_columns, innovations, total=n, label="innovations")
        self._copy(
            Decision,
            [
                "id", "innovation_id", "meeting_id", "agenda_item", "transition", "outcome",
                "resolution", "votes_for", "votes_against", "votes_abstaining",
                "minority_statements", "value_direction", "follow_up_date", "recorded_by_id",
                "recorded_at",
            ],
            decisions, total=len(decisions), label="decisions", bulk=True,
        )  # fmt: skip
        self._copy(
            FollowUp,
            [
                "id", "innovation_id", "meeting_id", "agenda_item", "assessment", "summary",
                "taken_note", "transition", "recorded_by_id", "recorded_at",
            ],
            follow_ups, total=len(follow_ups), label="follow-ups",
        )  # fmt: skip
        self._copy(
            Evaluation,
            [
                "id", "innovation_id", "method", "effects", "learning", "recommendation",
                "spreading", "value_direction", "intended_values", "submitted_by_id",
                "submitted_at",
            ],
            evaluations, total=len(evaluations), label="evaluations",
        )  # fmt: skip
        self._copy(
            TransitionLog,
            [
                "id", "innovation_id", "transition", "source", "target", "actor_id", "at",
                "decision_id", "follow_up_id", "reason", "learning",
            ],
            logs, total=len(logs), label="transition log", bulk=True,
        )  # fmt: skip

    # --- checkpoints and notifications --------------------------------------------------------

    def _checkpoints(self) -> None:
        counts, rng = self.counts, self.rng
        n = counts.checkpoints
        per = max(1, n // len(self.innovation_rows))
        first = self._reserve(Checkpoint, n)
        self.checkpoint_base = first
        self.checkpoints_per_innovation = per
        soon = self.now + datetime.timedelta(days=1)

        def rows() -> Iterator[tuple]:
            pk = first
            for index in range(n):
                innovation, _org, committee, owner, state = self.innovation_rows[
                    min(index // per, len(self.innovation_rows) - 1)
                ]
                position = index % per
                kind = CHECKPOINT_KINDS[position % len(CHECKPOINT_KINDS)]
                is_open = state in ACTIVE and position >= per - 2
                responsible = "owner" if kind == "documentation" else "committee"
                created = self.now - datetime.timedelta(days=rng.randint(30, 900))
                if is_open:
                    due = self.today + datetime.timedelta(days=rng.randint(-60, 120))
                    if rng.random() < self.due_now:
                        # overdue since yesterday at the latest: a stage has come, so the
                        # next sweep records reminders for it
                        due = self.today - datetime.timedelta(days=rng.randint(1, 10))
                        next_at = schedule.send_moment(due, self.policy.send_hour)
                    else:
                        later = schedule.next_reminder_at(due, self.policy, soon)
                        next_at = later or soon + datetime.timedelta(days=rng.randint(1, 7))
                    status, closed_at, completed_at, completed_by, waived = (
                        "open", None, None, None, ""
                    )  # fmt: skip
                else:
                    due = (created + datetime.timedelta(days=rng.randint(14, 90))).date()
                    closed_at = created + datetime.timedelta(days=rng.randint(1, 20))
                    roll = rng.random()
                    status = "completed" if roll < 0.8 else "cancelled" if roll < 0.95 else "waived"
                    completed_at = closed_at if status == "completed" else None
                    completed_by = self.secretary_of[committee] if completed_at else None
                    waived = "Ikke længere relevant." if status == "waived" else ""
                    next_at = None
                yield (
                    pk, innovation, kind, f"{kind} {position + 1}", due, committee, responsible,
                    owner if responsible == "owner" else None, status,
                    "rule" if position % 2 else "decision", state if is_open else "",
                    waived, completed_at, completed_by, closed_at, next_at, 0, None, created,
                    closed_at or created,
                )  # fmt: skip
                pk += 1

        columns = [
            "id", "innovation_id", "kind", "title", "due_date", "committee_id", "responsible",
            "responsible_person_id", "status", "source", "state", "waived_reason",
            "completed_at", "completed_by_id", "closed_at", "next_reminder_at", "sequence",
            "created_by_id", "created_at", "updated_at",
        ]  # fmt: skip
        self._copy(Checkpoint, columns, rows(), total=n, label="checkpoints", bulk=True)

    def _notifications(self) -> None:
        counts, rng = self.counts, self.rng
        n = counts.notifications
        innovation_type = ContentType.objects.get_for_model(Innovation).pk
        checkpoint_type = ContentType.objects.get_for_model(Checkpoint).pk
        recipients = [
            (person, org) for org in self.orgs for person in org.politicians + org.officials
        ]
        first = self._reserve(Notification, n)
        span = 2 * 365 * 24 * 3600
        start = self.now - datetime.timedelta(seconds=span)
        per = self.checkpoints_per_innovation

        def rows() -> Iterator[tuple]:
            for index in range(n):
                person, org = recipients[index % len(recipients)]
                innovation = org.innovations[rng.randrange(len(org.innovations))]
                offset = innovation - self.innovation_rows[0][0]
                checkpoint = self.checkpoint_base + offset * per
                moment = start + datetime.timedelta(seconds=span * index / n)
                stage = "before-14" if index % 3 else "due"
                data = (
                    f'{{"url": "/innovations/{innovation}/", "checkpoint": {checkpoint}, '
                    f'"innovation": {innovation}, "kind": "follow_up", "stage": "{stage}"}}'
                )
                yield (
                    first + index, "info", person, index > n * 0.97, innovation_type,
                    str(innovation), "Opfølgning om 14 dage" if index % 3 else "Opfølgning i dag",
                    f"Innovation {innovation}", checkpoint_type, str(checkpoint),
                    innovation_type, str(innovation), moment, True, False, False, data,
                )  # fmt: skip

        columns = [
            "id", "level", "recipient_id", "unread", "actor_content_type_id", "actor_object_id",
            "verb", "description", "target_content_type_id", "target_object_id",
            "action_object_content_type_id", "action_object_object_id", "timestamp", "public",
            "deleted", "emailed", "data",
        ]  # fmt: skip
        self._copy(Notification, columns, rows(), total=n, label="notifications", bulk=True)


def cpu_seconds(pid: int | None = None) -> float | None:
    """CPU time (user + system) of a process on this machine: this one, or the database
    backend that did the COPY (when PostgreSQL runs here), to tell work from waiting."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=COPENHAGEN)


def generate(**options: Any) -> ScaleData:
    data = ScaleData(**options)
    data.generate()
    return data
