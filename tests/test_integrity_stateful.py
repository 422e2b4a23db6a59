"""The decision trail holds whatever people do, in any order, even at the same moment.

A hypothesis state machine drives the services as random people of random roles in two
municipalities: raise innovations, hold meetings (some dated long before the innovations
were raised), edit meetings, record decisions of every outcome and follow-ups (applied or
not), apply recorded evidence, submit evaluations, correct records (any field, or annul
them), change an innovation, move its responsible committee, complete and waive
checkpoints; some steps are tried by two people at once from two threads. The clock moves
an hour per step. After every step:

- each innovation's state is the replay of its transition log (tests/lifecycle.py's table);
- every log row rests on evidence for exactly that move, recorded by the meeting committee's
  secretary or an administrator of the organisation, at a meeting of the committee then
  responsible (from the audit of committee changes) or the council, held at or after the
  innovation was raised and no later than the move;
- every recorded decision and follow-up (used or not) is at a meeting of its innovation's
  organisation dated at or after the innovation was raised;
- no recorded row (evidence, log, audit event) changed since it was first seen, and a
  meeting carrying evidence kept its committee and date;
- the responsible committee was changed only by an administrator, with a reason;
- no checkpoint was closed by anyone not responsible for it: a decision or follow-up
  checkpoint is completed only by the evidence that answers it (as it stands after its
  corrections: not annulled, for this innovation, at this committee's meeting) and a
  documentation or evaluation checkpoint only by its owner; a waived one by an
  administrator of the organisation, with a reason;
- ``verify_audit`` finds nothing.

Examples: 200 (CI), more with ``SPOR_STATEFUL_EXAMPLES``; 12 steps each.
"""

from __future__ import annotations

import datetime
import os
import threading
from collections.abc import Callable

import pytest
import time_machine
from django.db import close_old_connections, connection
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from audit import chain
from audit.models import AuditEvent
from core.errors import SporError
from decisions import services as decisions
from decisions.models import Correction, Decision, FollowUp, Outcome, TransitionLog
from decisions.selectors import effective_record
from innovations import services as innovations
from innovations.models import Innovation
from organisations.models import Committee, Meeting, Membership, Role, User
from organisations.services import create_meeting, update_meeting
from reminders import services as reminders
from reminders.models import Checkpoint

from .factories import MeetingFactory
from .lifecycle import (
    EVIDENCE_OF,
    FOLLOW_UP,
    MOVES,
    STOP_LEARNING,
    STOP_REASON,
    innovation_in,
    replay,
)

EXAMPLES = int(os.environ.get("SPOR_STATEFUL_EXAMPLES", "200"))
TRANSITIONS = sorted({move.transition for move in MOVES})
OUTCOMES = list(Outcome.values)


def among(items: list) -> st.SearchStrategy:
    """One of ``items`` (None if there are none), drawn the same way however many there are:
    the lists depend on the database, which two threads racing leave in either order, and
    hypothesis needs every example's draws to replay alike."""
    return st.integers(0, 255).map(lambda i: items[i % len(items)] if items else None)


def likely(good: list, anything: list) -> st.SearchStrategy:
    """Mostly what would work (so innovations move), sometimes anything at all."""
    return st.tuples(st.integers(0, 5), among(good), among(anything)).map(
        lambda drawn: drawn[2] if drawn[0] == 5 or drawn[1] is None else drawn[1]
    )


def attempt(action: Callable[[], object]) -> object | None:
    """A refusal by the services is a fine outcome of a random step; anything else is not."""
    try:
        return action()
    except SporError:
        return None


_EXAMPLE_TABLES: list[str] = []


def example_tables() -> list[str]:
    """The tables an example writes: the innovations, the audit, and all that refers to them."""
    if not _EXAMPLE_TABLES:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                WITH RECURSIVE refs(tbl) AS (
                    SELECT unnest(ARRAY['innovations_innovation', 'audit_auditevent',
                                        'audit_chainentry', 'audit_chainhead']::regclass[])
                    UNION
                    SELECT c.conrelid FROM pg_constraint c JOIN refs ON c.confrelid = refs.tbl
                    WHERE c.contype = 'f'
                )
                SELECT tbl::regclass::text FROM refs ORDER BY 1
                """
            )
            _EXAMPLE_TABLES.extend(row[0] for row in cursor.fetchall())
    return _EXAMPLE_TABLES


class TrailMachine(RuleBasedStateMachine):
    worlds: list = []  # the two municipalities, set by the test
    start: datetime.datetime  # the morning every example starts at, set by the test
    moves = 0  # over all examples, so the test can show it was not vacuous
    moves_on_follow_ups = 0

    def __init__(self) -> None:
        super().__init__()
        start = self.start  # one day for all examples, also when the run passes midnight
        self.traveller = time_machine.travel(start, tick=False)
        self.clock = self.traveller.start()
        self.innovation_ids: list[int] = []
        self.seen: dict[tuple[str, int], str] = {}
        self.frozen: dict[int, tuple[int, datetime.date]] = {}  # meetings carrying evidence
        self._last_state: str | None = None
        # the meetings each example starts from (the draws must not depend on earlier ones)
        self.initial_meetings = list(Meeting.objects.values("pk", "committee_id", "date"))
        self.people: list[User] = [
            person
            for world in self.worlds
            for person in (
                world.secretary,
                world.council_secretary,
                world.other_secretary,
                world.politician,
                world.official,
                world.administrator,
            )
        ]
        # who registers each committee's meetings: its secretary, an administrator
        self.keepers: dict[int, list[User]] = {
            committee.pk: [secretary, world.administrator]
            for world in self.worlds
            for committee, secretary in (
                (world.committee, world.secretary),
                (world.other_committee, world.other_secretary),
                (world.council, world.council_secretary),
            )
        }
        self.committees: list[Committee] = [
            committee
            for world in self.worlds
            for committee in (world.committee, world.other_committee, world.council)
        ]

    @initialize()
    def a_need_and_meetings_in_each_municipality(self) -> None:
        today = timezone.localdate()
        for world in self.worlds:
            innovation = innovations.create_innovation(
                actor=world.official,
                title="Digital genoptræning",
                need="Borgerne venter for længe.",
                committee=world.committee,
                intended_values=["quality"],
            )
            self.innovation_ids.append(innovation.pk)
        # and one already implementing (a follow-up moves it on), so deep phases are reached
        self.innovation_ids.append(innovation_in(self.worlds[-1], "implementing").pk)
        self.tick(24)
        for world in self.worlds:
            for committee in (world.committee, world.council):
                if not Meeting.objects.filter(committee=committee, date=today).exists():
                    create_meeting(actor=world.administrator, committee=committee, date=today)
        self.tick()

    def _responsible(self, innovation: Innovation) -> list[User]:
        return [
            person
            for person in self.people
            if person.organisation_id == innovation.organisation_id
            and (
                person.role == Role.ADMINISTRATOR
                or Membership.objects.valid_on(timezone.localdate())
                .filter(person=person, committee_id=innovation.committee_id, role="secretary")
                .exists()
            )
        ]

    def teardown(self) -> None:
        self.traveller.stop()
        TrailMachine.moves += TransitionLog.objects.count()
        TrailMachine.moves_on_follow_ups += TransitionLog.objects.filter(
            follow_up__isnull=False
        ).count()
        # Each example starts from the two municipalities alone, their meetings as they were
        # (the test connects as the superuser, who may bypass the triggers; the application's
        # role may not). Deleting the few rows is much faster than TRUNCATE.
        restore = " ".join(
            f"UPDATE organisations_meeting SET committee_id = {m['committee_id']}, "
            f"date = '{m['date'].isoformat()}' WHERE id = {m['pk']};"
            for m in self.initial_meetings
        )
        kept = ", ".join(str(m["pk"]) for m in self.initial_meetings) or "0"
        with connection.cursor() as cursor:
            cursor.execute(
                "SET session_replication_role = replica; "
                + " ".join(f"DELETE FROM {table};" for table in example_tables())
                + f" DELETE FROM organisations_meeting WHERE id NOT IN ({kept});"
                + " UPDATE organisations_meeting SET date = DATE '1900-01-01' + id::int"
                + f" WHERE id IN ({kept}); "
                + restore
                + " SET session_replication_role = DEFAULT;"
            )
        self._last_state = None

    def tick(self, hours: int = 1) -> None:
        self.clock.shift(datetime.timedelta(hours=hours))

    # --- what people do ---------------------------------------------------------------------

    @rule(data=st.data())
    def raise_innovation(self, data) -> None:
        actor = data.draw(st.sampled_from(self.people), label="actor")
        committees = [c for c in self.committees if c.organisation_id == actor.organisation_id]
        innovation = attempt(
            lambda: innovations.create_innovation(
                actor=actor,
                title="Velfærdsteknologi i hjemmeplejen",
                need="Borgerne venter for længe.",
                committee=data.draw(st.sampled_from(committees), label="committee"),
                intended_values=["quality"],
            )
        )
        if innovation is not None:
            self.innovation_ids.append(innovation.pk)
        self.tick()

    @rule(
        data=st.data(),
        days=st.integers(min_value=0, max_value=3),
        days_back=st.sampled_from([0, 0, 0, 2, 40, 400, 3000]),
    )
    def hold_meeting(self, data, days: int, days_back: int) -> None:
        """A meeting today, or one registered long after it was held: before the innovations
        were raised, before the electoral term (evidence at those must be refused)."""
        self.tick(24 * days)
        committee = data.draw(st.sampled_from(self.committees), label="committee")
        actor = data.draw(likely(self.keepers[committee.pk], self.people), label="actor")
        day = timezone.localdate() - datetime.timedelta(days=days_back)
        if not Meeting.objects.filter(committee=committee, date=day).exists():
            attempt(lambda: create_meeting(actor=actor, committee=committee, date=day))
        self.tick()

    @rule(data=st.data(), shift=st.sampled_from([-500, -1, 1]), move=st.booleans())
    def edit_a_meeting(self, data, shift: int, move: bool) -> None:
        """Someone moves a meeting's date or committee (refused once evidence is at it)."""
        meetings = list(Meeting.objects.filter(committee__in=self.committees).order_by("pk"))
        meeting = data.draw(among(meetings), label="meeting")
        actor = data.draw(st.sampled_from(self.people), label="actor")
        changes = (
            {"committee": data.draw(st.sampled_from(self.committees), label="committee")}
            if move
            else {"date": meeting.date + datetime.timedelta(days=shift)}
        )
        attempt(lambda: update_meeting(actor=actor, meeting=meeting, **changes))
        self.tick()

    def _meetings_for(self, innovation: Innovation) -> list[Meeting]:
        # Meetings of either organisation up to today, those before the innovation was
        # raised included (the services refuse evidence at them).
        return list(
            Meeting.objects.filter(
                date__lte=timezone.localdate(), committee__in=self.committees
            ).order_by("pk")
        )

    def _innovation(self, data) -> Innovation:
        pk = data.draw(among(self.innovation_ids), label="innovation")
        return Innovation.objects.get(pk=pk)

    def _evidence_call(self, data, innovation: Innovation, meetings: list[Meeting]):
        """Draw everything first: the call may run in another thread."""
        possible = sorted({m.transition for m in MOVES if m.source == innovation.state})
        name = data.draw(likely(possible, TRANSITIONS), label="transition")
        last = TransitionLog.objects.filter(innovation=innovation).order_by("-at").first()
        since = timezone.localdate(last.at if last else innovation.created_at)
        own = [m for m in meetings if m.committee_id == innovation.committee_id and m.date >= since]
        common = {
            "actor": data.draw(likely(self._responsible(innovation), self.people), label="actor"),
            "innovation": innovation,
            "meeting": data.draw(likely(own, meetings), label="meeting"),
            "transition": name,
            "apply_transition": data.draw(likely([True], [False]), label="apply"),
        }
        taken_note = data.draw(likely(["Taget til efterretning."], [""]))
        outcome = data.draw(likely([Outcome.APPROVED], OUTCOMES), label="outcome")
        votes_for = data.draw(st.integers(min_value=0, max_value=9), label="votes")
        if EVIDENCE_OF[name] == FOLLOW_UP:
            return lambda: decisions.record_follow_up(
                **common,
                agenda_item=f"Orientering om {name}",
                assessment="on_track",
                summary="Status blev fremlagt.",
                taken_note=taken_note,
            )
        return lambda: decisions.record_decision(
            **common,
            agenda_item=f"Beslutning om {name}",
            outcome=outcome,
            resolution="Udvalget beslutter.",
            votes_for=votes_for,
            value_direction="Mere tid hjemme." if name == "mandate" else "",
            reason=STOP_REASON if name == "stop" else "",
            learning=STOP_LEARNING if name == "stop" else "",
        )

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def record_evidence(self, data) -> None:
        self._record_evidence(data)

    def _record_evidence(self, data) -> None:
        innovation = self._innovation(data)
        meetings = self._meetings_for(innovation)
        if meetings:
            attempt(self._evidence_call(data, innovation, meetings))
        self.tick()

    # Recording is what secretaries mostly do: three times the weight of the other rules.
    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def record_more_evidence(self, data) -> None:
        self._record_evidence(data)

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def record_yet_more_evidence(self, data) -> None:
        self._record_evidence(data)

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def two_people_at_once(self, data) -> None:
        """Two secretaries (or anyone) record and apply on one innovation at the same moment."""
        innovation = self._innovation(data)
        meetings = self._meetings_for(innovation)
        if not meetings:
            return
        calls = [self._evidence_call(data, innovation, meetings) for _ in range(2)]
        barrier = threading.Barrier(2)
        failures: list[BaseException] = []

        def run(call) -> None:
            try:
                barrier.wait(timeout=30)
                attempt(call)
            except BaseException as exc:  # re-raised in the main thread below
                failures.append(exc)
            finally:
                close_old_connections()

        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        self.tick()

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def apply_recorded_evidence(self, data) -> None:
        innovation = self._innovation(data)
        records = [
            *Decision.objects.filter(innovation=innovation).exclude(transition=""),
            *FollowUp.objects.filter(innovation=innovation).exclude(transition=""),
        ]
        record = data.draw(among(records), label="evidence")
        actor = data.draw(st.sampled_from(self.people), label="actor")
        if record is not None:
            key = "decision" if isinstance(record, Decision) else "follow_up"
            attempt(
                lambda: decisions.apply_transition(
                    actor=actor,
                    innovation=innovation,
                    transition=record.transition,
                    reason=STOP_REASON,
                    learning=STOP_LEARNING,
                    **{key: record},
                )
            )
        self.tick()

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def submit_evaluation(self, data) -> None:
        innovation = self._innovation(data)
        attempt(
            lambda: innovations.submit_evaluation(
                actor=data.draw(st.sampled_from(self.people), label="actor"),
                innovation=innovation,
                method="internal",
                effects={"quality": {"effect": "improved", "basis": "measured", "text": "Ja."}},
                learning="Tidlig inddragelse virkede.",
                recommendation="Kan spredes.",
            )
        )
        self.tick()

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data())
    def correct_a_record(self, data) -> None:
        innovation = self._innovation(data)
        records = list(Decision.objects.filter(innovation=innovation))
        record = data.draw(among(records), label="decision")
        meetings = self._meetings_for(innovation)
        actor = data.draw(likely(self._responsible(innovation), self.people), label="actor")
        if True:
            values = data.draw(
                st.one_of(
                    st.fixed_dictionaries({"votes_for": st.integers(0, 9)}),
                    st.just({"annulled": True}),
                    st.fixed_dictionaries({"outcome": st.sampled_from(OUTCOMES)}),
                    st.fixed_dictionaries({"meeting": among([m.pk for m in meetings] or [0])}),
                    st.fixed_dictionaries({"innovation": among(self.innovation_ids)}),
                    st.fixed_dictionaries(
                        {"follow_up_date": st.sampled_from([None, "+30", "+90"])}
                    ),
                ),
                label="corrected",
            )
            values = dict(values)
            if values.get("follow_up_date"):
                days = int(values["follow_up_date"])
                values["follow_up_date"] = (
                    timezone.localdate() + datetime.timedelta(days=days)
                ).isoformat()
            if record is None:
                return self.tick()
            attempt(
                lambda: decisions.record_correction(
                    actor=actor,
                    decision=record,
                    reason="Referatet var forkert.",
                    corrected_values=values,
                )
            )
        self.tick()

    @precondition(lambda self: self.innovation_ids)
    @rule(
        data=st.data(),
        properly=st.booleans(),
        reason=st.sampled_from(["Omorganisering af udvalgene.", " "]),
    )
    def change_the_innovation(self, data, properly: bool, reason: str) -> None:
        """Move the responsible committee: properly (``change_committee``, an administrator
        with a reason), or in passing by an edit of the innovation (always refused)."""
        innovation = self._innovation(data)
        committee = data.draw(st.sampled_from(self.committees), label="committee")
        if properly:
            administrators = [p for p in self.people if p.role == Role.ADMINISTRATOR]
            actor = data.draw(likely(administrators, self.people), label="actor")
            attempt(
                lambda: innovations.change_committee(
                    actor=actor, innovation=innovation, committee=committee, reason=reason
                )
            )
        else:
            attempt(
                lambda: innovations.update_innovation(
                    actor=data.draw(st.sampled_from(self.people), label="actor"),
                    innovation=innovation,
                    title=data.draw(st.sampled_from(["Skærmbesøg", "Genoptræning"])),
                    committee=committee,
                )
            )
        self.tick()

    @precondition(lambda self: self.innovation_ids)
    @rule(data=st.data(), waive=st.booleans())
    def close_a_checkpoint(self, data, waive: bool) -> None:
        checkpoints = list(
            Checkpoint.objects.filter(innovation_id__in=self.innovation_ids, status="open")
        )
        checkpoint = data.draw(among(checkpoints), label="checkpoint")
        administrators = [p for p in self.people if p.role == Role.ADMINISTRATOR]
        actor = data.draw(
            likely(administrators if waive else self.people, self.people), label="actor"
        )
        if checkpoint is not None:
            if waive:
                attempt(
                    lambda: reminders.waive_checkpoint(
                        actor=actor, checkpoint=checkpoint, reason="Ikke relevant længere."
                    )
                )
            else:
                attempt(lambda: reminders.complete_checkpoint(actor=actor, checkpoint=checkpoint))
        self.tick()

    # --- what must hold after every step ----------------------------------------------------

    def _committee_at(self, innovation: Innovation, moment: datetime.datetime) -> int:
        """The responsible committee at ``moment``, from the audit of committee changes."""
        committee = innovation.committee_id
        for event in AuditEvent.objects.filter(
            innovation=innovation, changes__has_key="committee"
        ).order_by("-at", "-id"):
            if event.at > moment:
                committee = event.changes["committee"][0]
        return committee

    def _may_record(self, person: User, meeting: Meeting, organisation_id: int) -> bool:
        if person.organisation_id != organisation_id:
            return False
        if person.role == Role.ADMINISTRATOR:
            return True
        return (
            person.role == Role.SECRETARY
            and Membership.objects.valid_on(meeting.date)
            .filter(person=person, committee=meeting.committee, role="secretary")
            .exists()
        )

    @invariant()
    def after_every_step(self) -> None:
        """Every check below, after any step that changed a row (the checks read only the
        database: a refused step leaves a state already checked)."""
        state = self._state_digest()
        if state == self._last_state:
            return
        self.the_trail_holds()
        self.evidence_is_dated_after_the_innovation_was_raised()
        self.no_recorded_row_changed()
        self.meetings_carrying_evidence_stay_put()
        self.the_committee_moved_only_by_an_administrator_with_a_reason()
        self.no_checkpoint_closed_by_anyone_not_responsible()
        self.verify_audit_is_clean()
        self._last_state = state

    def _state_digest(self) -> str:
        tables = [*example_tables(), "organisations_meeting"]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT "
                + " || ".join(
                    f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
                    f"FROM {table} t)"
                    for table in tables
                )
            )
            return cursor.fetchone()[0]

    def the_trail_holds(self) -> None:
        if not self.innovation_ids:
            return
        log = TransitionLog.objects.filter(innovation_id__in=self.innovation_ids).select_related(
            "decision__meeting__committee",
            "decision__recorded_by",
            "follow_up__meeting__committee",
            "follow_up__recorded_by",
        )
        by_innovation: dict[int, list[TransitionLog]] = {pk: [] for pk in self.innovation_ids}
        for entry in log.order_by("at", "id"):
            by_innovation[entry.innovation_id].append(entry)
        for innovation in Innovation.objects.filter(pk__in=self.innovation_ids):
            entries = by_innovation[innovation.pk]
            assert replay(entries) == innovation.state, innovation.pk
            for entry in entries:
                evidence = entry.follow_up if entry.follow_up_id else entry.decision
                assert evidence is not None, f"log row {entry.pk} has no evidence"
                assert EVIDENCE_OF[entry.transition] == (
                    FOLLOW_UP if entry.follow_up_id else "decision"
                )
                assert (evidence.innovation_id, evidence.transition) == (
                    innovation.pk,
                    entry.transition,
                )
                if entry.decision_id:
                    assert entry.decision.is_approved
                meeting = evidence.meeting
                assert meeting.committee.organisation_id == innovation.organisation_id
                assert meeting.committee.is_council or meeting.committee_id == self._committee_at(
                    innovation, evidence.recorded_at
                ), f"log row {entry.pk}: evidence at another committee's meeting"
                assert self._may_record(evidence.recorded_by, meeting, innovation.organisation_id)
                assert (
                    timezone.localdate(innovation.created_at)
                    <= meeting.date
                    <= timezone.localdate(entry.at)
                )

    def no_recorded_row_changed(self) -> None:
        if not self.innovation_ids:
            return
        for model, lookup in (
            (Decision, "innovation_id__in"),
            (FollowUp, "innovation_id__in"),
            (TransitionLog, "innovation_id__in"),
            (AuditEvent, "innovation_id__in"),
            (Correction, "decision__innovation_id__in"),
        ):
            fields = [f.attname for f in model._meta.concrete_fields]
            for row in model.objects.filter(**{lookup: self.innovation_ids}).values(*fields):
                key = (model._meta.label_lower, row["id"])
                digest = chain.content_hash(row, fields)
                assert self.seen.setdefault(key, digest) == digest, f"{key} changed"

    def evidence_is_dated_after_the_innovation_was_raised(self) -> None:
        if not self.innovation_ids:
            return
        for model in (Decision, FollowUp):
            for record in model.objects.filter(
                innovation_id__in=self.innovation_ids
            ).select_related("meeting__committee", "innovation"):
                meeting = record.meeting
                assert meeting.committee.organisation_id == record.innovation.organisation_id
                assert meeting.date >= timezone.localdate(record.innovation.created_at), (
                    f"{model.__name__} {record.pk} at a meeting before the innovation was raised"
                )

    def meetings_carrying_evidence_stay_put(self) -> None:
        referenced = {
            *Decision.objects.values_list("meeting_id", flat=True),
            *FollowUp.objects.values_list("meeting_id", flat=True),
            *(
                c.corrected_values["meeting"]
                for c in Correction.objects.filter(corrected_values__has_key="meeting")
            ),
        }
        for meeting in Meeting.objects.filter(pk__in=referenced):
            stored = (meeting.committee_id, meeting.date)
            assert self.frozen.setdefault(meeting.pk, stored) == stored, (
                f"meeting {meeting.pk} carrying evidence moved"
            )
        for pk in list(self.frozen):
            if pk not in referenced:  # its evidence went with the previous example
                del self.frozen[pk]

    def the_committee_moved_only_by_an_administrator_with_a_reason(self) -> None:
        for event in AuditEvent.objects.filter(
            innovation_id__in=self.innovation_ids, changes__has_key="committee"
        ).select_related("actor"):
            assert event.actor.role == Role.ADMINISTRATOR, event.pk
            assert event.actor.organisation_id == event.organisation_id
            assert (event.changes.get("reason") or [None, ""])[1].strip(), event.pk

    def no_checkpoint_closed_by_anyone_not_responsible(self) -> None:
        if not self.innovation_ids:
            return
        for checkpoint in Checkpoint.objects.filter(
            innovation_id__in=self.innovation_ids, status__in=("completed", "waived")
        ).select_related(
            "innovation",
            "completed_by",
            "waived_by",
            "answered_by_decision__meeting",
            "answered_by_follow_up__meeting",
        ):
            innovation = checkpoint.innovation
            if checkpoint.status == "waived":
                assert checkpoint.waived_reason.strip()
                waiver = checkpoint.waived_by
                assert waiver is not None and waiver.role == Role.ADMINISTRATOR, checkpoint.pk
                assert waiver.organisation_id == innovation.organisation_id
            elif checkpoint.kind in ("decision", "follow_up"):
                answer = (
                    checkpoint.answered_by_decision
                    if checkpoint.kind == "decision"
                    else checkpoint.answered_by_follow_up
                )
                assert answer is not None, f"checkpoint {checkpoint.pk} closed without evidence"
                current = effective_record(answer)
                assert not getattr(current, "annulled", False), checkpoint.pk
                assert current.innovation_id == innovation.pk, checkpoint.pk
                if checkpoint.kind == "decision":
                    assert checkpoint.committee_id in (None, current.meeting.committee_id)
                assert self._may_record(
                    checkpoint.completed_by, current.meeting, innovation.organisation_id
                ), f"checkpoint {checkpoint.pk} completed by someone who may not record"
            else:
                owner = checkpoint.responsible_person_id or innovation.owner_id
                completer = checkpoint.completed_by
                assert completer is not None, checkpoint.pk
                assert completer.organisation_id == innovation.organisation_id
                assert owner is None or completer.pk == owner, (
                    f"checkpoint {checkpoint.pk} completed by someone other than its owner"
                )

    def verify_audit_is_clean(self) -> None:
        assert chain.verify() == []


# A property test of 200 generated stories: the `fuzz` tier, a step of its own in CI.
@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_trail_holds_under_random_steps_by_random_people(copenhagen, aarhus):
    TrailMachine.worlds = [copenhagen, aarhus]
    TrailMachine.start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    # The committees' and councils' meetings of the coming days, as their calendars hold them:
    # evidence becomes possible at each as the clock passes its date (every example starts
    # from these; it holds and registers more).
    today = timezone.localdate(TrailMachine.start)
    for world in TrailMachine.worlds:
        for committee in (world.committee, world.council):
            for days in range(1, 7):
                MeetingFactory(committee=committee, date=today + datetime.timedelta(days=days))
    # Thousands of small commits: the test database need not wait for each to reach the disk.
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute(
            f"ALTER DATABASE {connection.settings_dict['NAME']} SET synchronous_commit TO off"
        )
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        TrailMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=12,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # not vacuous: the random steps moved innovations, by evidence of both kinds
    print(f"{TrailMachine.moves} moves, {TrailMachine.moves_on_follow_ups} on follow-ups")
    assert TrailMachine.moves > EXAMPLES // 2
    assert EXAMPLES < 50 or TrailMachine.moves_on_follow_ups > 0
