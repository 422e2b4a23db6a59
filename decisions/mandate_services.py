"""Writes around the mandate card: the card itself, follow-up readings, involvement, evaluation.

The card is recorded by ``decisions.services.record_decision`` (an approved ``mandate`` or
``amend_mandate`` decision, in its transaction) through ``clean_card`` and ``record_card``
here. The follow-up's readings and value-direction check are recorded by
``record_follow_up`` through ``record_follow_up_check``. The involvement log and the
evaluation against the card have services of their own: keyword-only, the actor first,
permission checked, one transaction with the innovation locked.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import chain
from audit import services as audit
from core.errors import NotFound, PermissionDenied, TransitionNotPossible, ValidationFailed
from innovations import permissions
from innovations import services as innovation_services
from innovations.models import Evaluation, Innovation, State

from .mandate import (
    CARD_FIELDS,
    Fidelity,
    IndicatorReading,
    IndicatorResult,
    InvolvedGroup,
    InvolvementActivity,
    MandateCard,
    MandateEvaluation,
    MandateIndicator,
    ValueDirectionCheck,
    Verdict,
)
from .models import FollowUp

MANDATE_TRANSITIONS = ("mandate", "amend_mandate")
INDICATOR_FIELDS = ("name", "unit", "baseline", "baseline_date", "target", "measurement")
INVOLVEMENT_PHASES = (State.EXPLORING, State.TESTING)


def current_card(innovation: Innovation | int) -> MandateCard | None:
    """The card in force: the newest version."""
    pk = innovation if isinstance(innovation, int) else innovation.pk
    return (
        MandateCard.objects.filter(innovation_id=pk)
        .prefetch_related("indicators")
        .order_by("-version")
        .first()
    )


def _errors_of(exc: DjangoValidationError, prefix: str = "") -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {f"{prefix}{k}": [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {prefix.rstrip(".") or "non_field_errors": [str(m) for m in exc.messages]}


def _decimal(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, Decimal):
        return None if value == "" else value
    try:
        return Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return value  # full_clean says it is not a number


def _date(value: Any) -> Any:
    if value is None or value == "" or isinstance(value, datetime.date):
        return None if value == "" else value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return value


@dataclasses.dataclass
class CleanCard:
    """A card ready to record: its fields, its indicators (unsaved) and what changed."""

    fields: dict[str, Any]
    indicators: list[MandateIndicator]
    changed: list[str]


def _card_values(card: MandateCard) -> dict[str, Any]:
    values = {name: getattr(card, name) for name in CARD_FIELDS if name != "indicators"}
    values["indicators"] = list(card.indicators.all())
    return values


def _indicators_from(data: Any, errors: dict[str, list[str]]) -> list[MandateIndicator]:
    if not isinstance(data, list | tuple):
        errors.setdefault("indicators", []).append(_("Give the indicators as a list."))
        return []
    indicators = []
    for position, item in enumerate(data, start=1):
        if isinstance(item, MandateIndicator):
            item = {f: getattr(item, f) for f in INDICATOR_FIELDS}
        if not isinstance(item, dict):
            errors.setdefault("indicators", []).append(_("Each indicator is an object."))
            continue
        unknown = set(item) - set(INDICATOR_FIELDS)
        if unknown:
            errors.setdefault("indicators", []).append(
                _("Unknown indicator fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
            )
            continue
        indicator = MandateIndicator(
            position=position,
            name=str(item.get("name") or "").strip(),
            unit=str(item.get("unit") or "").strip(),
            baseline=_decimal(item.get("baseline")),
            baseline_date=_date(item.get("baseline_date")),
            target=_decimal(item.get("target")),
            measurement=str(item.get("measurement") or "").strip(),
        )
        try:
            indicator.full_clean(exclude=["card"])
        except DjangoValidationError as exc:
            for field, messages in _errors_of(exc).items():
                errors.setdefault(f"indicators.{position}.{field}", []).extend(messages)
        indicators.append(indicator)
    if len(indicators) > 20:
        errors.setdefault("indicators", []).append(_("At most 20 indicators."))
    return indicators


def clean_card(
    *,
    innovation: Innovation,
    transition: str,
    data: dict[str, Any] | None,
    value_direction: str,
) -> CleanCard:
    """Check a card's data against the model's rules; for an amendment, merge it over the
    card in force and say what changed. Raises ``ValidationFailed`` with the fields named
    ``mandate_card.<field>`` (an indicator's: ``mandate_card.indicators.<n>.<field>``)."""
    data = dict(data or {})
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(CARD_FIELDS)
    if unknown:
        raise ValidationFailed(
            {f"mandate_card.{k}": [_("This field is not part of a mandate card.")] for k in unknown}
        )
    previous = current_card(innovation) if transition == "amend_mandate" else None
    if previous is not None:
        values = _card_values(previous)
    else:
        # A mandate given without a card's details keeps the frame the innovation had (and
        # an amendment of a mandate given before cards existed starts from what it set).
        values = {
            "value_direction": innovation.value_direction if transition == "amend_mandate" else "",
            "budget": innovation.frame_budget,
            "deadline": innovation.frame_deadline,
            "scope": innovation.frame_scope,
            "solution_space": "",
            "indicators": [],
            "involve": [],
            "follow_up_months": None,
            "stop_criteria": "",
        }
    for key in ("value_direction", "scope", "solution_space", "stop_criteria"):
        if key in data:
            values[key] = str(data[key] or "").strip()
    if value_direction.strip() and "value_direction" not in data:
        values["value_direction"] = value_direction.strip()
    if "budget" in data:
        values["budget"] = _decimal(data["budget"])
    if "deadline" in data:
        values["deadline"] = _date(data["deadline"])
    if "follow_up_months" in data:
        months = data["follow_up_months"]
        values["follow_up_months"] = None if months in (None, "") else months
    if "involve" in data:
        involve = data["involve"] or []
        if not isinstance(involve, list | tuple):
            errors.setdefault("mandate_card.involve", []).append(_("Give a list."))
            involve = []
        values["involve"] = [g for g in InvolvedGroup.values if g in involve] + [
            g for g in involve if g not in InvolvedGroup.values
        ]
    indicators = values["indicators"]
    if "indicators" in data:
        indicator_errors: dict[str, list[str]] = {}
        indicators = _indicators_from(data["indicators"], indicator_errors)
        errors.update({f"mandate_card.{k}": v for k, v in indicator_errors.items()})
    else:
        indicators = _indicators_from(indicators, {})
    fields = {k: v for k, v in values.items() if k != "indicators"}
    card = MandateCard(innovation=innovation, version=1, **fields)
    try:
        card.full_clean(exclude=["decision", "innovation", "recorded_by", "recorded_at"])
    except DjangoValidationError as exc:
        for key, messages in _errors_of(exc, "mandate_card.").items():
            errors.setdefault(key, []).extend(messages)
    deadline = fields.get("deadline")
    if (
        isinstance(deadline, datetime.date)
        and deadline < timezone.localdate()
        and (previous is None or deadline != previous.deadline)
    ):
        errors.setdefault("mandate_card.deadline", []).append(
            _("The deadline cannot be in the past.")
        )
    if errors:
        raise ValidationFailed(errors)
    changed: list[str] = []
    if transition == "amend_mandate":
        before = (
            _card_values(previous)
            if previous is not None
            else {
                **values,
                **{k: getattr(innovation, f"frame_{k}") for k in ("budget", "deadline", "scope")},
                "value_direction": innovation.value_direction,
                "solution_space": "",
                "indicators": [],
                "involve": [],
                "follow_up_months": None,
                "stop_criteria": "",
            }
        )
        for key in CARD_FIELDS:
            if key == "indicators":
                old = before["indicators"]
                if len(old) != len(indicators) or not all(
                    a.same_as(b) for a, b in zip(old, indicators, strict=False)
                ):
                    changed.append(key)
            elif before[key] != fields[key]:
                changed.append(key)
        if not changed and not data:
            raise ValidationFailed(
                {
                    "mandate_card": [
                        _(
                            "Say what the amendment changes: record it from the innovation's "
                            "mandate card, where each part of the card can be changed."
                        )
                    ]
                }
            )
        if not changed:
            raise ValidationFailed(
                {"mandate_card": [_("An amendment must change at least one part of the card.")]}
            )
    return CleanCard(fields=fields, indicators=indicators, changed=changed)


def record_card(*, actor, decision, innovation: Innovation, card: CleanCard) -> MandateCard:
    """Record the card of an approved mandate decision, inside ``record_decision``'s
    transaction (the innovation is locked there)."""
    version = (
        MandateCard.objects.filter(innovation=innovation)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    recorded = MandateCard.objects.create(
        decision=decision,
        innovation=innovation,
        version=version,
        changed_fields=card.changed,
        recorded_by=actor,
        recorded_at=decision.recorded_at,
        **card.fields,
    )
    chain.append(recorded)
    for indicator in card.indicators:
        indicator.pk = None
        indicator._state.adding = True
        indicator.card = recorded
        indicator.save()
        chain.append(indicator)
    return recorded


# --- Follow-ups: readings and the value direction ------------------------------------------


def involvement_summary(
    innovation: Innovation | int, *, since: datetime.date | None, until: datetime.date
) -> dict[str, Any]:
    """The involvement log between two days (after ``since``, up to ``until``): the number of
    activities, participants per group and activities per form."""
    pk = innovation if isinstance(innovation, int) else innovation.pk
    activities = InvolvementActivity.objects.filter(innovation_id=pk, date__lte=until)
    if since is not None:
        activities = activities.filter(date__gt=since)
    participants: dict[str, int] = {}
    forms: dict[str, int] = {}
    count = 0
    for activity in activities.only("form", "participants"):
        count += 1
        forms[activity.form] = forms.get(activity.form, 0) + 1
        for group, number in activity.participants.items():
            participants[group] = participants.get(group, 0) + int(number)
    return {"activities": count, "participants": participants, "forms": forms}


def clean_follow_up_check(
    *,
    innovation: Innovation,
    readings: dict[Any, Any] | None,
    serves: str,
    serves_why: str,
) -> tuple[MandateCard | None, list[IndicatorReading], dict[str, str]]:
    """Check a follow-up's readings (``{indicator id: value or {"value", "note"}}``) and its
    answer on the value direction against the card in force."""
    readings = readings or {}
    serves = (serves or "").strip()
    serves_why = (serves_why or "").strip()
    errors: dict[str, list[str]] = {}
    card = current_card(innovation)
    if card is None:
        if readings or serves:
            raise ValidationFailed(
                {"serves": [_("The innovation has no mandate card to follow up against.")]}
            )
        return None, [], {}
    if not isinstance(readings, dict):
        raise ValidationFailed({"readings": [_("Give the readings per indicator.")]})
    by_id = {str(i.pk): i for i in card.indicators.all()}
    cleaned: list[IndicatorReading] = []
    for key, raw in readings.items():
        indicator = by_id.get(str(key))
        if indicator is None:
            errors.setdefault("readings", []).append(
                _("Indicator %(id)s is not on the mandate card in force.") % {"id": key}
            )
            continue
        value, note = (
            (raw.get("value"), raw.get("note", "")) if isinstance(raw, dict) else (raw, "")
        )
        if value in (None, ""):
            continue
        reading = IndicatorReading(
            indicator=indicator, value=_decimal(value), note=str(note or "").strip()
        )
        try:
            reading.full_clean(exclude=["follow_up", "indicator"])
        except DjangoValidationError as exc:
            for field, messages in _errors_of(exc).items():
                errors.setdefault(f"readings.{indicator.pk}.{field}", []).extend(messages)
        cleaned.append(reading)
    if serves and serves not in Fidelity.values:
        errors.setdefault("serves", []).append(
            _("Choose one of: %(values)s.") % {"values": ", ".join(Fidelity.values)}
        )
    if (serves or cleaned) and not serves:
        errors.setdefault("serves", []).append(
            _("Say whether the work still serves the value direction.")
        )
    if serves and not serves_why:
        errors.setdefault("serves_why", []).append(
            _("Say why the work serves the value direction, partly or not.")
        )
    if errors:
        raise ValidationFailed(errors)
    if not serves:  # a follow-up that does not answer on the value direction
        return None, [], {}
    return card, cleaned, {"serves": serves, "why": serves_why}


def record_follow_up_check(
    *,
    follow_up: FollowUp,
    card: MandateCard | None,
    readings: list[IndicatorReading],
    answer: dict[str, str],
) -> ValueDirectionCheck | None:
    """Inside ``record_follow_up``'s transaction: the readings and the value-direction check,
    with the involvement log summarised since the follow-up before."""
    if card is None or not answer:
        return None
    previous = (
        FollowUp.objects.filter(innovation_id=follow_up.innovation_id)
        .exclude(pk=follow_up.pk)
        .filter(meeting__date__lte=follow_up.meeting.date)
        .order_by("-meeting__date", "-recorded_at")
        .values_list("meeting__date", flat=True)
        .first()
    )
    check = ValueDirectionCheck.objects.create(
        follow_up=follow_up,
        card=card,
        serves=answer["serves"],
        why=answer["why"],
        involvement=involvement_summary(
            follow_up.innovation_id, since=previous, until=follow_up.meeting.date
        ),
    )
    chain.append(check)
    for reading in readings:
        reading.follow_up = follow_up
        reading.save()
        chain.append(reading)
    return check


# --- The involvement log ---------------------------------------------------------------------


def record_involvement(
    *,
    actor,
    innovation: Innovation,
    date: datetime.date | str,
    form: str,
    title: str,
    participants: dict[str, int],
    learned: str,
    platform_url: str = "",
) -> InvolvementActivity:
    """Log an activity of exploration or testing: who took part (per group, with numbers),
    what was learned, and where it lives on a participation platform (a link, never
    fetched). The owning official, a secretary or an administrator logs it."""
    with transaction.atomic():
        locked = innovation_services._lock_for_writing(
            actor,
            innovation,
            denied=_(
                "Only the owning official, a secretary or an administrator keeps the involvement log."
            ),
        )
        if locked.state not in INVOLVEMENT_PHASES:
            raise TransitionNotPossible(
                _("The involvement log is kept while exploring and testing."),
                reasons=[_("it is in the phase %(state)s") % {"state": locked.get_state_display()}],
            )
        if isinstance(participants, dict):
            participants = {
                str(k): (int(v) if isinstance(v, str) and v.strip().isdigit() else v)
                for k, v in participants.items()
                if v not in (None, "", 0, "0")
            }
        activity = InvolvementActivity(
            innovation=locked,
            phase=locked.state,
            date=_date(date),
            form=(form or "").strip(),
            title=(title or "").strip(),
            participants=participants,
            learned=(learned or "").strip(),
            platform_url=(platform_url or "").strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        try:
            activity.full_clean(exclude=["innovation", "recorded_by"])
        except DjangoValidationError as exc:
            raise ValidationFailed(_errors_of(exc)) from exc
        if activity.date > timezone.localdate():
            raise ValidationFailed({"date": [_("Log an activity once it has taken place.")]})
        if activity.date < timezone.localdate(locked.created_at):
            raise ValidationFailed(
                {"date": [_("The activity was before the innovation was raised.")]}
            )
        activity.save()
        audit.record_change(
            actor=actor,
            instance=activity,
            before=None,
            after=audit.snapshot(activity),
            organisation_id=locked.organisation_id,
            innovation_id=locked.pk,
        )
    return activity


# --- The evaluation against the card ---------------------------------------------------------


def submit_evaluation(
    *,
    actor,
    innovation: Innovation,
    method: str,
    effects: dict[str, dict[str, str]] | None = None,
    learning: str = "",
    recommendation: str = "",
    spreading: str = "",
    results: dict[Any, Any] | None = None,
    verdict: str = "",
    verdict_why: str = "",
) -> Evaluation:
    """Submit the evaluation, held against the mandate card in force when there is one.

    The rules of ``innovations.services.submit_evaluation`` hold (the evaluating phase only,
    complete effects, learning); with a card, also a measured result for every indicator
    (``results``: ``{indicator id: value or {"value", "note"}}``) and the verdict on the value
    direction with a why. All of it is recorded, or nothing.
    """
    results = results or {}
    verdict = (verdict or "").strip()
    verdict_why = (verdict_why or "").strip()
    with transaction.atomic():
        try:
            locked = Innovation.objects.select_for_update(of=("self",)).get(pk=innovation.pk)
        except Innovation.DoesNotExist as exc:
            raise NotFound(_("The innovation does not exist.")) from exc
        if not permissions.can_view_innovation(actor, locked) or not actor.organisation_id:
            raise NotFound(_("The innovation does not exist."))
        card = current_card(locked)
        errors: dict[str, list[str]] = {}
        measured: list[IndicatorResult] = []
        if card is not None:
            if not isinstance(results, dict):
                results = {}
                errors["results"] = [_("Give the measured result per indicator.")]
            for indicator in card.indicators.all():
                raw = results.get(str(indicator.pk), results.get(indicator.pk))
                value, note = (
                    (raw.get("value"), raw.get("note", "")) if isinstance(raw, dict) else (raw, "")
                )
                if value in (None, ""):
                    errors.setdefault(f"results.{indicator.pk}", []).append(
                        _("Give the measured result of “%(name)s”.") % {"name": indicator.name}
                    )
                    continue
                result = IndicatorResult(
                    indicator=indicator, measured=_decimal(value), note=str(note or "").strip()
                )
                try:
                    result.full_clean(exclude=["mandate_evaluation", "indicator"])
                except DjangoValidationError as exc:
                    for field, messages in _errors_of(exc).items():
                        errors.setdefault(f"results.{indicator.pk}.{field}", []).extend(messages)
                measured.append(result)
            unknown = {str(k) for k in results} - {str(i.pk) for i in card.indicators.all()}
            if unknown:
                errors.setdefault("results", []).append(
                    _("Not on the mandate card in force: %(ids)s.")
                    % {"ids": ", ".join(sorted(unknown))}
                )
            if verdict not in Verdict.values:
                errors["verdict"] = [
                    _("Give the verdict on the value direction: %(values)s.")
                    % {"values": ", ".join(Verdict.values)}
                ]
            if not verdict_why:
                errors["verdict_why"] = [_("Say why the value direction was realised or not.")]
        elif verdict or results:
            errors["verdict"] = [_("The innovation has no mandate card to evaluate against.")]
        try:
            evaluation = innovation_services.submit_evaluation(
                actor=actor,
                innovation=locked,
                method=method,
                effects=effects,
                learning=learning,
                recommendation=recommendation,
                spreading=spreading,
            )
        except ValidationFailed as exc:
            raise ValidationFailed({**exc.errors, **errors}) from exc
        if errors:
            raise ValidationFailed(errors)
        if card is not None:
            against = MandateEvaluation.objects.create(
                evaluation=evaluation,
                card=card,
                verdict=verdict,
                verdict_why=verdict_why,
                recorded_at=evaluation.submitted_at,
            )
            chain.append(against)
            for result in measured:
                result.mandate_evaluation = against
                result.save()
                chain.append(result)
    return evaluation


def check_permission_to_log(actor, innovation: Innovation) -> None:
    """Raise unless ``actor`` may keep the involvement log of ``innovation`` (for pages)."""
    if not permissions.can_view_innovation(actor, innovation):
        raise NotFound(_("The innovation does not exist."))
    if not permissions.can_edit_innovation(actor, innovation):
        raise PermissionDenied(
            _(
                "Only the owning official, a secretary or an administrator keeps the involvement log."
            )
        )
