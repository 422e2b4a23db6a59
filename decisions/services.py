"""Every write of the decision trail: recording evidence, correcting it, applying transitions.

Each service takes the acting user, checks permission itself, runs in one transaction with
the innovation row locked, and writes the log row in that same transaction. Side effects
(notifications, webhooks) are enqueued on commit.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from agenda.models import AgendaItem
from core.enums import APPROVED_OUTCOMES, EvidenceKind
from core.errors import (
    ConcurrentChange,
    PermissionDenied,
    TransitionNotPossible,
    ValidationFailed,
)
from innovations import permissions
from innovations.locks import lock_innovation
from innovations.models import (
    ApprovedDecision,
    Innovation,
    State,
    StopReasonAndLearning,
    TransitionContext,
)
from innovations.workflow import (
    TransitionSpec,
    spec_for,
    specs_from,
    transition_names,
    transition_specs,
)
from organisations.models import Meeting

from . import agenda, hooks, mandate_services, selectors
from .mandate import MandateCard
from .models import (
    Assessment,
    Correction,
    Decision,
    FollowUp,
    Outcome,
    TransitionLog,
    field_errors,
    votes_error,
)
from .selectors import candidate_evidence


@dataclasses.dataclass
class TransitionResult:
    innovation: Innovation
    log_entry: TransitionLog


@dataclasses.dataclass
class RecordResult:
    record: Decision | FollowUp
    innovation: Innovation
    log_entry: TransitionLog | None = None

    @property
    def applied(self) -> bool:
        return self.log_entry is not None


# --- Applying a transition ------------------------------------------------------------------


def _context_for(
    innovation: Innovation,
    *,
    decision: Decision | None,
    follow_up: FollowUp | None,
    reason: str,
    learning: str,
) -> TransitionContext:
    evidence = decision or follow_up
    used = False
    if decision is not None and decision.pk:
        used = TransitionLog.objects.filter(decision=decision).exists()
    elif follow_up is not None and follow_up.pk:
        used = TransitionLog.objects.filter(follow_up=follow_up).exists()
    card = None
    if decision is not None and decision.pk and decision.transition in ("mandate", "amend_mandate"):
        card = MandateCard.objects.filter(decision_id=decision.pk).first()
    return TransitionContext(
        evidence=evidence,
        mandate_card=card,
        evidence_already_used=used,
        has_submitted_evaluation=selectors.has_evaluation_of_current_phase(innovation),
        reason=reason or "",
        learning=learning or "",
    )


def _apply_locked(
    *,
    actor,
    innovation: Innovation,
    name: str,
    decision: Decision | None,
    follow_up: FollowUp | None,
    reason: str = "",
    learning: str = "",
) -> TransitionLog:
    """Apply ``name`` to an innovation already locked in the current transaction."""
    spec = spec_for(name)
    if spec is None:
        raise TransitionNotPossible(
            _("There is no transition called “%(name)s”.") % {"name": name},
            reasons=[_("known transitions: %(names)s") % {"names": ", ".join(transition_names())}],
        )
    source = innovation.state
    if source not in spec.sources:
        raise TransitionNotPossible(
            _("“%(name)s” is not possible from the phase %(state)s.")
            % {"name": spec.label, "state": innovation.get_state_display()},
            reasons=[_("possible from %(states)s") % {"states": _state_labels(spec.sources)}],
        )
    if (decision is not None and spec.requires != EvidenceKind.DECISION) or (
        follow_up is not None and spec.requires != EvidenceKind.FOLLOW_UP
    ):
        needed = _("a decision") if spec.requires == EvidenceKind.DECISION else _("a follow-up")
        raise TransitionNotPossible(
            _("“%(name)s” is authorised by %(needed)s.") % {"name": spec.label, "needed": needed},
            reasons=spec.describe_requirements(),
        )
    # The evidence as it stands after its corrections: an annulled record, or one corrected
    # to another outcome, kind, meeting or innovation, authorises what it now says.
    context = _context_for(
        innovation,
        decision=cast(Decision, selectors.effective_record(decision)) if decision else None,
        follow_up=cast(FollowUp, selectors.effective_record(follow_up)) if follow_up else None,
        reason=reason,
        learning=learning,
    )
    failed = [(c, r) for c in spec.conditions if (r := c.reason(innovation, context))]
    if failed:
        raise TransitionNotPossible(
            _("“%(name)s” is not possible now.") % {"name": spec.label},
            reasons=[reason for _condition, reason in failed],
            field=_field_of(failed[0][0], context),
        )
    innovation._transition_context = context
    try:
        getattr(innovation, name)()
    finally:
        innovation._transition_context = None
    now = timezone.now()
    if innovation.state != source:
        innovation.state_entered_at = now
    innovation.save(
        update_fields=[
            "state",
            "paused_from",
            "value_direction",
            "frame_budget",
            "frame_deadline",
            "frame_scope",
            "stop_reason",
            "stop_learning",
            "state_entered_at",
            "updated_at",
        ]
    )
    try:
        with transaction.atomic():
            entry = TransitionLog.objects.create(
                innovation=innovation,
                transition=name,
                source=source,
                target=innovation.state,
                actor=actor,
                at=now,
                decision=decision,
                follow_up=follow_up,
                reason=innovation.stop_reason if name == "stop" else "",
                learning=innovation.stop_learning if name == "stop" else "",
            )
    except IntegrityError as exc:  # the evidence authorised another transition meanwhile
        raise ConcurrentChange(_("This evidence has already authorised a transition.")) from exc
    hooks.transition_applied(actor=actor, innovation=innovation, log_entry=entry)
    return entry


def _field_of(condition, context: TransitionContext) -> str | None:
    """The input a failed condition is about, so a form shows the reason on that field."""
    if isinstance(condition, StopReasonAndLearning):
        return "reason" if not context.reason.strip() else "learning"
    if (
        isinstance(condition, ApprovedDecision)
        and condition.value_direction
        and isinstance(context.evidence, Decision)
        and context.evidence.is_approved
        and not context.evidence.value_direction.strip()
    ):
        return "value_direction"
    return None


def _check_possible_from_here(innovation: Innovation, name: str) -> None:
    """An approval must be able to authorise its transition from the phase the innovation is
    in; rejected, postponed and referred decisions are recorded whatever the phase."""
    spec = spec_for(name)
    if spec is not None and innovation.state not in spec.sources:
        raise TransitionNotPossible(
            _("An approved “%(name)s” is not possible from the phase %(state)s.")
            % {"name": spec.label, "state": innovation.get_state_display()},
            reasons=[_("possible from %(states)s") % {"states": _state_labels(spec.sources)}],
            field="transition",
        )


def _state_labels(states) -> str:
    return ", ".join(str(State(state).label) for state in states)


def _check_expected_state(locked: Innovation, expected_state: str | None) -> None:
    if expected_state and locked.state != expected_state:
        raise ConcurrentChange(
            _("The innovation moved from %(seen)s to %(now)s while you were acting.")
            % {
                "seen": dict(State.choices).get(expected_state, expected_state),
                "now": locked.get_state_display(),
            },
            reasons=[_("it is now in the phase %(state)s") % {"state": locked.get_state_display()}],
        )


def apply_transition(
    *,
    actor,
    innovation: Innovation,
    transition: str,
    decision: Decision | None = None,
    follow_up: FollowUp | None = None,
    reason: str = "",
    learning: str = "",
    expected_state: str | None = None,
) -> TransitionResult:
    """Move ``innovation`` by ``transition`` on the given evidence.

    ``expected_state`` (by default the state of the instance the caller holds) is what the
    actor saw: if the row has moved on meanwhile, a ``ConcurrentChange`` says so.
    """
    seen_state = expected_state or innovation.state
    with transaction.atomic():
        locked = lock_innovation(
            actor,
            innovation,
            may=permissions.can_apply_transitions,
            denied=_(
                "Only a secretary of the responsible committee or an administrator can move an innovation."
            ),
        )
        _check_expected_state(locked, seen_state)
        entry = _apply_locked(
            actor=actor,
            innovation=locked,
            name=transition,
            decision=decision,
            follow_up=follow_up,
            reason=reason,
            learning=learning,
        )
    return TransitionResult(innovation=locked, log_entry=entry)


# --- Recording evidence ---------------------------------------------------------------------


def _check_meeting(
    actor, innovation: Innovation, meeting: Meeting, *, recorded_at: datetime.datetime | None = None
) -> None:
    committee = meeting.committee
    if committee.organisation_id != innovation.organisation_id:
        raise ValidationFailed({"meeting": [_("The meeting belongs to another organisation.")]})
    if committee.pk != innovation.committee_id and not committee.is_council:
        raise ValidationFailed(
            {
                "meeting": [
                    _("The meeting is neither of the responsible committee nor of the council.")
                ]
            }
        )
    if meeting.date > timezone.localdate():
        raise ValidationFailed({"meeting": [_("The meeting has not taken place yet.")]})
    _check_meeting_dates(innovation, meeting, recorded_at=recorded_at)
    if not permissions.can_record_evidence(actor, innovation, meeting):
        raise PermissionDenied(
            _(
                "Only the secretary of the committee that met, or an administrator, records its items."
            )
        )


def _check_meeting_dates(
    innovation: Innovation, meeting: Meeting, *, recorded_at: datetime.datetime | None = None
) -> None:
    """Evidence is dated at or after the innovation was raised and the last move it builds
    on: the last before it was recorded (``recorded_at``, for a correction), or the last."""
    raised = timezone.localdate(innovation.created_at)
    if meeting.date < raised:
        raise ValidationFailed(
            {
                "meeting": [
                    _("The meeting of %(date)s was before the innovation was raised (%(raised)s).")
                    % {"date": _day(meeting.date), "raised": _day(raised)}
                ]
            }
        )
    moves = TransitionLog.objects.filter(innovation_id=innovation.pk)
    if recorded_at is not None:
        moves = moves.filter(at__lt=recorded_at)
    last_move = moves.order_by("-at", "-id").values_list("at", flat=True).first()
    if last_move is not None and meeting.date < timezone.localdate(last_move):
        raise ValidationFailed(
            {
                "meeting": [
                    _(
                        "The meeting of %(date)s was before the innovation's last move "
                        "(%(moved)s), which this record builds on."
                    )
                    % {"date": _day(meeting.date), "moved": _day(timezone.localdate(last_move))}
                ]
            }
        )


def _day(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _clean_text(errors: dict, field: str, value: str | None, *, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("%(label)s is required.") % {"label": label})
    return value


def _clean_votes(errors: dict, **votes: int | None) -> dict[str, int | None]:
    cleaned: dict[str, int | None] = {}
    for field, value in votes.items():
        if value is None or value == "":
            cleaned[field] = None
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            errors.setdefault(field, []).append(_("Enter a whole number."))
            continue
        cleaned[field] = number
    _model_errors(Decision(**cleaned), errors, fields=cleaned)
    return {field: value for field, value in cleaned.items() if field not in errors}


# Checked by the services themselves (the lock, the organisation), never by clean_fields,
# which would query each foreign key row.
RELATIONS = ("innovation", "meeting", "recorded_by")


def _model_errors(record: Decision | FollowUp, errors: dict, *, fields) -> None:
    """The model's own rules (lengths, ranges, choices) for ``fields``, added to ``errors``:
    the one source of each rule; a field that already has an error keeps only its own."""
    exclude = [f.name for f in record._meta.fields if f.name not in fields or f.name in errors]
    try:
        record.clean_fields(exclude=[*exclude, *RELATIONS])
    except DjangoValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def record_decision(
    *,
    actor,
    innovation: Innovation,
    meeting: Meeting,
    agenda_item: str = "",
    outcome: str,
    resolution: str,
    transition: str = "",
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstaining: int | None = None,
    minority_statements: str = "",
    value_direction: str = "",
    follow_up_date: datetime.date | None = None,
    apply_transition: bool = False,
    reason: str = "",
    learning: str = "",
    expected_state: str | None = None,
    mandate_card: dict[str, Any] | None = None,
    agenda_entry: AgendaItem | int | None = None,
    case_number: str = "",
    kle_code: str = "",
    votes_by_group: dict | None = None,
) -> RecordResult:
    """Record a committee's decision; with ``apply_transition``, also move the innovation.

    An approved decision asked to apply its transition does both or neither: when the move
    is not possible, nothing is recorded and the reasons say why. A decision that is not
    approved is recorded all the same and moves nothing. ``expected_state`` is the phase the
    secretary saw: when the innovation has moved on meanwhile, a ``ConcurrentChange`` says
    so and nothing is recorded (a pause decided for ``exploring`` must not pause ``testing``).

    An approved ``mandate`` or ``amend_mandate`` decision records a mandate card
    (``mandate_card``: the card's fields, see ``decisions.mandate_services.clean_card``); an
    amendment gives only the fields it changes. A mandate given without a card's details
    records one with its value direction and the frame the innovation had.
    """
    errors: dict[str, list[str]] = {}
    # With an agenda item from the meeting system, its number and title are the text.
    agenda_item = _clean_text(
        errors,
        "agenda_item",
        agenda_item,
        required=agenda_entry in (None, ""),
        label=_("The agenda item"),
    )
    resolution = _clean_text(
        errors, "resolution", resolution, required=True, label=_("The resolution text")
    )
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(
            _("Choose one of: %(values)s.") % {"values": ", ".join(Outcome.values)}
        )
    transition = (transition or "").strip()
    if transition and transition not in transition_names():
        errors.setdefault("transition", []).append(
            _("There is no transition called “%(name)s”.") % {"name": transition}
        )
    elif (
        transition and cast(TransitionSpec, spec_for(transition)).requires != EvidenceKind.DECISION
    ):
        errors.setdefault("transition", []).append(
            _("“%(name)s” is documented by a follow-up, not decided.")
            % {"name": cast(TransitionSpec, spec_for(transition)).label}
        )
    votes = _clean_votes(
        errors, votes_for=votes_for, votes_against=votes_against, votes_abstaining=votes_abstaining
    )
    _model_errors(
        Decision(
            agenda_item=agenda_item,
            resolution=resolution,
            outcome=outcome,
            minority_statements=minority_statements,
            value_direction=value_direction,
        ),
        errors,
        # an item from the meeting system names itself: agenda.resolve fills the text
        fields=(
            *(() if agenda_entry and not (agenda_item or "").strip() else ("agenda_item",)),
            "resolution",
            "minority_statements",
            "value_direction",
        ),
    )
    if not any(field in errors for field in votes):
        problem = votes_error(meeting, **votes)
        if problem:
            errors.setdefault("votes_for", []).append(problem)
    if follow_up_date is not None and follow_up_date <= meeting.date:
        errors.setdefault("follow_up_date", []).append(
            _("The follow-up date must be after the meeting.")
        )
    if apply_transition and not transition and outcome in Outcome.values:
        errors.setdefault("transition", []).append(
            _("Choose the transition the decision authorises.")
        )
    if mandate_card and transition not in mandate_services.MANDATE_TRANSITIONS:
        errors.setdefault("mandate_card", []).append(
            _("A mandate card is recorded with a decision to give or amend a mandate.")
        )
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        locked = lock_innovation(actor, innovation)
        _check_meeting(actor, locked, meeting)
        listed = agenda.resolve(
            meeting=meeting,
            innovation=locked,
            agenda_entry=agenda_entry,
            agenda_item=agenda_item,
            case_number=case_number,
            kle_code=kle_code,
            votes=votes,
            votes_by_group=votes_by_group,
        )
        if apply_transition and outcome in APPROVED_OUTCOMES:
            _check_expected_state(locked, expected_state)
        if transition and outcome in APPROVED_OUTCOMES:
            _check_possible_from_here(locked, transition)
        card = None
        # A mandate without a value direction records no card: the engine refuses the move
        # and says why, in the words of the lifecycle.
        gives_direction = bool(
            (value_direction or "").strip()
            or str((mandate_card or {}).get("value_direction") or "").strip()
        )
        if (
            transition in mandate_services.MANDATE_TRANSITIONS
            and outcome in (Outcome.APPROVED, Outcome.APPROVED_WITH_CHANGES)
            and (transition == "amend_mandate" or gives_direction)
        ):
            card = mandate_services.clean_card(
                innovation=locked,
                transition=transition,
                data=mandate_card,
                value_direction=value_direction or "",
            )
            # the minutes' value direction is the card's
            value_direction = card.fields["value_direction"]
        decision = Decision.objects.create(
            innovation=locked,
            meeting=meeting,
            agenda_item=listed.agenda_item,
            transition=transition,
            outcome=outcome,
            resolution=resolution,
            minority_statements=(minority_statements or "").strip(),
            value_direction=(value_direction or "").strip(),
            follow_up_date=follow_up_date,
            recorded_by=actor,
            recorded_at=timezone.now(),
            agenda_entry=listed.entry,
            votes_by_group=listed.votes_by_group,
            case_number=listed.case_number,
            kle_code=listed.kle_code,
            **votes,
        )
        if card is not None:
            mandate_services.record_card(
                actor=actor, decision=decision, innovation=locked, card=card
            )
        hooks.decision_recorded(actor=actor, decision=decision)
        entry = None
        if apply_transition and decision.is_approved:
            entry = _apply_locked(
                actor=actor,
                innovation=locked,
                name=transition,
                decision=decision,
                follow_up=None,
                reason=reason,
                learning=learning,
            )
    return RecordResult(record=decision, innovation=locked, log_entry=entry)


def record_follow_up(
    *,
    actor,
    innovation: Innovation,
    meeting: Meeting,
    agenda_item: str = "",
    assessment: str,
    summary: str,
    taken_note: str = "",
    transition: str = "",
    apply_transition: bool = False,
    expected_state: str | None = None,
    readings: dict[Any, Any] | None = None,
    serves: str = "",
    serves_why: str = "",
    agenda_entry: AgendaItem | int | None = None,
    case_number: str = "",
    kle_code: str = "",
) -> RecordResult:
    """Record an item for information whose status the committee took note of.

    With ``apply_transition``, also move the innovation, as ``record_decision`` does.
    Against the mandate card in force: the current reading of its indicators (``readings``,
    ``{indicator id: value}``) and whether the work still serves the value direction
    (``serves``: yes, partly or no, with ``serves_why``); the involvement log since the last
    follow-up is summarised with it.
    """
    errors: dict[str, list[str]] = {}
    # With an agenda item from the meeting system, its number and title are the text.
    agenda_item = _clean_text(
        errors,
        "agenda_item",
        agenda_item,
        required=agenda_entry in (None, ""),
        label=_("The agenda item"),
    )
    summary = _clean_text(errors, "summary", summary, required=True, label=_("The status report"))
    for field, messages in field_errors(
        FollowUp, {"summary": summary, "taken_note": taken_note}
    ).items():
        errors.setdefault(field, []).extend(messages)
    if assessment not in Assessment.values:
        errors.setdefault("assessment", []).append(
            _("Choose one of: %(values)s.") % {"values": ", ".join(Assessment.values)}
        )
    transition = (transition or "").strip()
    if transition:
        spec = spec_for(transition)
        if spec is None or spec.requires != EvidenceKind.FOLLOW_UP:
            errors.setdefault("transition", []).append(
                _("A follow-up can document only %(names)s.")
                % {"names": ", ".join(f"“{s.label}”" for s in _follow_up_specs())}
            )
    if apply_transition and not transition:
        errors.setdefault("transition", []).append(
            _("Choose the transition the follow-up documents.")
        )
    if errors:
        raise ValidationFailed(errors)

    with transaction.atomic():
        locked = lock_innovation(actor, innovation)
        _check_meeting(actor, locked, meeting)
        listed = agenda.resolve(
            meeting=meeting,
            innovation=locked,
            agenda_entry=agenda_entry,
            agenda_item=agenda_item,
            case_number=case_number,
            kle_code=kle_code,
        )
        if apply_transition:
            _check_expected_state(locked, expected_state)
        card, cleaned_readings, answer = mandate_services.clean_follow_up_check(
            innovation=locked, readings=readings, serves=serves, serves_why=serves_why
        )
        follow_up = FollowUp.objects.create(
            innovation=locked,
            meeting=meeting,
            agenda_item=listed.agenda_item,
            assessment=assessment,
            summary=summary,
            taken_note=(taken_note or "").strip(),
            transition=transition,
            recorded_by=actor,
            recorded_at=timezone.now(),
            agenda_entry=listed.entry,
            case_number=listed.case_number,
            kle_code=listed.kle_code,
        )
        mandate_services.record_follow_up_check(
            follow_up=follow_up, card=card, readings=cleaned_readings, answer=answer
        )
        hooks.follow_up_recorded(actor=actor, follow_up=follow_up)
        entry = None
        if apply_transition:
            entry = _apply_locked(
                actor=actor, innovation=locked, name=transition, decision=None, follow_up=follow_up
            )
    return RecordResult(record=follow_up, innovation=locked, log_entry=entry)


def _follow_up_specs():
    return [s for s in transition_specs() if s.requires == EvidenceKind.FOLLOW_UP]


# --- Corrections ----------------------------------------------------------------------------

CORRECTABLE_DECISION_FIELDS: dict[str, Any] = {
    "innovation": Innovation,
    "meeting": Meeting,
    "agenda_item": str,
    "outcome": Outcome,
    "transition": "transition",
    "resolution": str,
    "votes_for": int,
    "votes_against": int,
    "votes_abstaining": int,
    "minority_statements": str,
    "value_direction": str,
    "follow_up_date": datetime.date,
    "annulled": bool,
}
CORRECTABLE_FOLLOW_UP_FIELDS: dict[str, Any] = {
    "innovation": Innovation,
    "meeting": Meeting,
    "agenda_item": str,
    "transition": "transition",
    "summary": str,
    "taken_note": str,
    "assessment": Assessment,
    "annulled": bool,
}
VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstaining")
# Corrections of these change what the record authorises (or whether it authorises at all).
SUBSTANTIVE_FIELDS = ("innovation", "meeting", "outcome", "transition", "annulled")


def _clean_corrected_values(
    fields: dict[str, Any], values: dict[str, Any], *, requires: str
) -> dict[str, Any]:
    """The same rules as recording: types, ranges, choices, required texts."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if not values:
        raise ValidationFailed({"corrected_values": [_("Say which values are corrected.")]})
    for key, value in values.items():
        kind = fields.get(key)
        if kind is None:
            errors.setdefault(key, []).append(
                _("This value cannot be corrected; correctable: %(fields)s.")
                % {"fields": ", ".join(fields)}
            )
        elif kind is int:
            votes = _clean_votes(errors, **{key: value})
            if key in votes:
                cleaned[key] = votes[key]
        elif kind is bool:
            if not isinstance(value, bool):
                errors.setdefault(key, []).append(_("Give true or false."))
            else:
                cleaned[key] = value
        elif kind in (Innovation, Meeting):
            model = kind
            pk = value.pk if isinstance(value, model) else value
            if isinstance(pk, bool) or not str(pk).isdigit() or int(pk) > 2**63 - 1:
                errors.setdefault(key, []).append(_("Give the record's id as a number."))
            else:
                cleaned[key] = int(pk)
        elif kind is datetime.date:
            if value in (None, ""):
                cleaned[key] = None
            else:
                try:
                    cleaned[key] = (
                        value
                        if isinstance(value, datetime.date)
                        else datetime.date.fromisoformat(str(value))
                    ).isoformat()
                except ValueError:
                    errors.setdefault(key, []).append(_("Enter a date as YYYY-MM-DD."))
        elif kind in (Outcome, Assessment):
            text = str(value or "").strip()
            if text not in kind.values:
                errors.setdefault(key, []).append(
                    _("Choose one of: %(values)s.") % {"values": ", ".join(kind.values)}
                )
            else:
                cleaned[key] = text
        elif kind == "transition":
            text = str(value or "").strip()
            spec = spec_for(text) if text else None
            if text and (spec is None or spec.requires != requires):
                errors.setdefault(key, []).append(
                    _("Choose one of: %(values)s.")
                    % {
                        "values": ", ".join(
                            n
                            for n in transition_names()
                            if (named := spec_for(n)) is not None and named.requires == requires
                        )
                    }
                )
            else:
                cleaned[key] = text
        else:
            text = str(value or "").strip()
            if key in ("agenda_item", "resolution", "summary") and not text:
                errors.setdefault(key, []).append(_("This value cannot be empty."))
            elif key == "agenda_item" and len(text) > 200:
                errors.setdefault(key, []).append(_("At most 200 characters."))
            elif problems := field_errors(
                Decision if requires == "decision" else FollowUp, {key: text}
            ):
                errors.setdefault(key, []).extend(problems[key])
            else:
                cleaned[key] = text
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def record_correction(
    *,
    actor,
    reason: str,
    corrected_values: dict[str, Any],
    decision: Decision | None = None,
    follow_up: FollowUp | None = None,
) -> Correction:
    """Correct a recorded decision or follow-up, or annul it (``{"annulled": true}``).

    Any field may be corrected, the innovation and the meeting included; the original stays
    as it was recorded and both are visible. The corrected values pass the rules a new record
    passes (the meeting: of the responsible committee or the council, taken place, dated at
    or after the innovation was raised; votes in range; a follow-up date after the meeting).
    A move the record already authorised stands: the innovation says it rests on corrected
    evidence, and only a new decision of the committee reverses it.
    """
    if (decision is None) == (follow_up is None):
        raise ValidationFailed(
            {"non_field_errors": [_("Correct exactly one decision or follow-up.")]}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the record is corrected.")]})
    if problems := field_errors(Correction, {"reason": reason}):
        raise ValidationFailed(problems)
    original = cast(Decision | FollowUp, decision or follow_up)
    fields: dict[str, Any] = (
        CORRECTABLE_DECISION_FIELDS if decision is not None else CORRECTABLE_FOLLOW_UP_FIELDS
    )
    cleaned = _clean_corrected_values(
        fields,
        corrected_values or {},
        requires=EvidenceKind.DECISION if decision is not None else EvidenceKind.FOLLOW_UP,
    )
    with transaction.atomic():
        locked = lock_innovation(
            actor, original.innovation_id, not_found=_("The record does not exist.")
        )
        if not permissions.can_record_evidence(actor, locked, original.meeting):
            raise PermissionDenied(
                _(
                    "Only the secretary of the committee that met, or an administrator, corrects its records."
                )
            )
        current = selectors.effective_record(original)
        target = locked
        if "innovation" in cleaned and cleaned["innovation"] != current.innovation_id:
            found = Innovation.objects.filter(
                pk=cleaned["innovation"], organisation_id=locked.organisation_id
            ).first()
            if found is None or not permissions.can_view_innovation(actor, found):
                raise ValidationFailed(
                    {"innovation": [_("Choose an innovation of your organisation.")]}
                )
            target = lock_innovation(actor, found)
        meeting = current.meeting
        if "meeting" in cleaned and cleaned["meeting"] != current.meeting_id:
            chosen = (
                Meeting.objects.select_related("committee").filter(pk=cleaned["meeting"]).first()
            )
            if chosen is None or chosen.committee.organisation_id != locked.organisation_id:
                raise ValidationFailed({"meeting": [_("Choose a meeting of your organisation.")]})
            meeting = chosen
        if target is not locked or meeting is not current.meeting:
            _check_meeting(actor, target, meeting, recorded_at=original.recorded_at)
        evidence: dict[str, Any] = (
            {"decision": decision} if decision is not None else {"follow_up": follow_up}
        )
        used = TransitionLog.objects.filter(**evidence).exists()
        if decision is not None and not used and ({"outcome", "transition"} & set(cleaned)):
            # as when recording: an approval must be possible from the innovation's phase
            outcome = cleaned.get("outcome", cast(Decision, current).outcome)
            transition = cleaned.get("transition", current.transition)
            if transition and outcome in APPROVED_OUTCOMES:
                _check_possible_from_here(target, transition)
        if decision is not None and ({"meeting", *VOTE_FIELDS} & set(cleaned)):
            # the votes as corrected, against the committee of the meeting as corrected
            problem = votes_error(
                meeting, **{f: cleaned.get(f, getattr(current, f)) for f in VOTE_FIELDS}
            )
            if problem:
                raise ValidationFailed(
                    {next((f for f in VOTE_FIELDS if f in cleaned), "votes_for"): [problem]}
                )
        follow_up_date = cleaned.get(
            "follow_up_date", _iso(getattr(current, "follow_up_date", None))
        )
        if follow_up_date and datetime.date.fromisoformat(follow_up_date) <= meeting.date:
            raise ValidationFailed(
                {"follow_up_date": [_("The follow-up date must be after the meeting.")]}
            )
        if (
            decision is not None
            and "value_direction" in cleaned
            and TransitionLog.objects.filter(decision=decision, transition="mandate").exists()
        ):
            # the innovation's value direction is the one its mandate set: it follows the
            # corrected minutes (update_innovation sends people here for exactly this)
            if not cleaned["value_direction"]:
                raise ValidationFailed(
                    {"value_direction": [_("A mandate's value direction cannot be empty.")]}
                )
            locked.value_direction = cleaned["value_direction"]
            locked.save(update_fields=["value_direction", "updated_at"])
        correction = Correction.objects.create(
            decision=decision,
            follow_up=follow_up,
            reason=reason,
            corrected_values=cleaned,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        hooks.correction_recorded(actor=actor, correction=correction)
    return correction


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclasses.dataclass
class MoveOnCorrectedEvidence:
    """A move that stands although the evidence that authorised it was corrected since."""

    log_entry: TransitionLog
    record: Decision | FollowUp
    changes: list
    to_reverse: str


def moves_on_corrected_evidence(
    innovation: Innovation, viewer=None
) -> list[MoveOnCorrectedEvidence]:
    """The innovation's moves whose evidence was later corrected in what it authorises.

    No move is rewound by a correction: each stays, and the reader is told what the committee
    must decide to reverse it. For a ``viewer``, without the moves on closed items they may
    not see the records of.
    """
    from . import closed

    # Only the moves whose evidence has a correction are read with their joins (most moves
    # have none): two plain reads find them, the log itself is then read for those alone.
    evidence = list(
        TransitionLog.objects.filter(innovation=innovation).values_list(
            "decision_id", "follow_up_id"
        )
    )
    corrected = list(
        Correction.objects.filter(
            Q(decision_id__in=[decision for decision, _ in evidence if decision is not None])
            | Q(follow_up_id__in=[follow_up for _, follow_up in evidence if follow_up is not None])
        ).values_list("decision_id", "follow_up_id")
    )
    if not corrected:
        return []
    entries = list(
        selectors.transition_log_for(innovation)
        .filter(
            Q(decision_id__in={decision for decision, _ in corrected if decision is not None})
            | Q(follow_up_id__in={follow_up for _, follow_up in corrected if follow_up is not None})
        )
        .prefetch_related("decision__corrections", "follow_up__corrections")
    )
    result = []
    for entry in entries:
        record = entry.decision if entry.decision_id else entry.follow_up
        if viewer is not None and not closed.can_see_record(viewer, record):
            continue
        corrections = list(record.corrections.all())
        if not any(k in SUBSTANTIVE_FIELDS for c in corrections for k in c.corrected_values):
            continue
        changes = [
            change
            for c in selectors.correction_changes(record).values()
            for change in c
            if change.field in SUBSTANTIVE_FIELDS
        ]
        back = [
            spec.label
            for spec in specs_from(innovation.state)
            if spec.target == entry.source and spec.requires == EvidenceKind.DECISION
        ]
        if back:
            to_reverse = _("To reverse the move, the committee must decide: %(names)s.") % {
                "names": ", ".join(str(label) for label in back)
            }
        else:
            to_reverse = _(
                "No transition leads back to %(state)s; to undo it the committee must decide to "
                "stop the innovation (or to pause it)."
            ) % {"state": State(entry.source).label}
        result.append(
            MoveOnCorrectedEvidence(
                log_entry=entry, record=record, changes=changes, to_reverse=str(to_reverse)
            )
        )
    return result


# --- What can happen next -------------------------------------------------------------------


@dataclasses.dataclass
class TransitionOption:
    name: str
    label: str
    source: str
    target: str
    requires: str
    available: bool
    reasons: list[str]
    evidence: Decision | FollowUp | None = None


def available_transitions(innovation: Innovation, user) -> list[TransitionOption]:
    """Every transition from the current state: available to this user now, or why not.

    For each, the engine looks for the best unused evidence already recorded (approved first,
    newest first) and evaluates the same conditions ``apply_transition`` will.
    """
    state = innovation.state
    specs = specs_from(state)
    may_act = permissions.can_apply_transitions(user, innovation)
    candidates = candidate_evidence(innovation, [spec.name for spec in specs])
    has_evaluation = candidates.has_submitted_evaluation
    options = []
    for spec in specs:
        evidence = candidates.best_for(spec.name, spec.requires)
        card = None
        if isinstance(evidence, Decision) and spec.name in mandate_services.MANDATE_TRANSITIONS:
            card = MandateCard.objects.filter(decision_id=evidence.pk).first()
        context = TransitionContext(
            evidence=evidence,
            mandate_card=card,
            evidence_already_used=False,
            has_submitted_evaluation=has_evaluation,
            # stop asks for reason and learning at the moment of acting
            reason="-" if spec.name == "stop" else "",
            learning="-" if spec.name == "stop" else "",
        )
        reasons = [
            r for condition in spec.conditions if (r := condition.reason(innovation, context))
        ]
        if not may_act:
            reasons.insert(
                0,
                _(
                    "only a secretary of the responsible committee or an administrator can move the innovation"
                ),
            )
        target = spec.target
        if target == "paused_from":
            target = innovation.paused_from or target
        elif target == "same":
            target = state
        options.append(
            TransitionOption(
                name=spec.name,
                label=spec.label,
                source=state,
                target=target,
                requires=spec.requires,
                available=not reasons,
                reasons=reasons,
                evidence=evidence,
            )
        )
    return options
