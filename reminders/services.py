"""Every write of checkpoints, rules and reminder policy.

People act through the public services (keyword-only, the actor first, permission checked,
one transaction with the row locked). The ``on_*`` functions are called by the services of
``decisions`` and ``innovations`` (through ``decisions.hooks``) inside their own
transaction, after those have checked the actor's permission for the evidence itself.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from notifications.models import Notification

from audit import services as audit
from core.errors import NotFound, PermissionDenied, ValidationFailed
from decisions.mandate import MandateCard
from decisions.selectors import effective_record
from innovations import permissions
from innovations.locks import lock_innovation
from innovations.models import FINAL_STATES, Innovation, State
from organisations.models import Committee, Meeting, Organisation, new_calendar_token

from . import schedule
from .models import (
    COMMITTEE_KINDS,
    Checkpoint,
    CheckpointKind,
    CheckpointRule,
    CheckpointSource,
    CheckpointStatus,
    ReminderPolicy,
    Responsible,
)

# The rules every organisation starts with (DESIGN.md, issue "Checkpoints and reminders").
DEFAULT_RULES: list[dict[str, Any]] = [
    {"state": State.EXPLORING, "kind": CheckpointKind.FOLLOW_UP, "due_after_days": 90,
     "repeat_every_days": 90, "responsible": Responsible.COMMITTEE},
    {"state": State.TESTING, "kind": CheckpointKind.FOLLOW_UP, "due_after_days": 60,
     "repeat_every_days": 60, "responsible": Responsible.COMMITTEE},
    {"state": State.TESTING, "kind": CheckpointKind.DOCUMENTATION, "due_after_days": 30,
     "repeat_every_days": None, "responsible": Responsible.OWNER},
    {"state": State.IMPLEMENTING, "kind": CheckpointKind.FOLLOW_UP, "due_after_days": 90,
     "repeat_every_days": None, "responsible": Responsible.COMMITTEE},
    {"state": State.EVALUATING, "kind": CheckpointKind.EVALUATION, "due_after_days": 60,
     "repeat_every_days": None, "responsible": Responsible.OWNER},
    {"state": State.EVALUATING, "kind": CheckpointKind.DECISION, "due_after_days": 90,
     "repeat_every_days": None, "responsible": Responsible.COMMITTEE},
]  # fmt: skip

POSTPONED_FALLBACK_DAYS = 30

# What a committee answers with evidence; documentation and evaluations are the owner's.


def local_today() -> datetime.date:
    return schedule.local_date(timezone.now())


# --- Policy and rules -----------------------------------------------------------------------


def policy_for(organisation: Organisation | int) -> ReminderPolicy:
    """The organisation's policy, created with the defaults (and the default rules) on demand."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    policy = ReminderPolicy.objects.filter(organisation_id=organisation_id).first()
    if policy is not None:
        return policy
    with transaction.atomic():
        policy, created = ReminderPolicy.objects.get_or_create(organisation_id=organisation_id)
        if created and not CheckpointRule.objects.filter(organisation_id=organisation_id).exists():
            CheckpointRule.objects.bulk_create(
                CheckpointRule(organisation_id=organisation_id, **rule) for rule in DEFAULT_RULES
            )
    return policy


def _require_administrator(actor, organisation_id: int) -> None:
    if getattr(actor, "is_superuser", False):
        return
    if not permissions.is_administrator_of(actor, organisation_id):
        raise PermissionDenied(_("Only the organisation's administrators change reminder rules."))


def update_policy(*, actor, organisation: Organisation, **changes: Any) -> ReminderPolicy:
    """An administrator changes when the organisation's reminders go out.

    Open checkpoints get their next reminder moment recomputed in the same transaction.
    """
    _require_administrator(actor, organisation.pk)
    cleaned = _clean_policy(changes)
    policy_for(organisation)
    with transaction.atomic():
        policy = ReminderPolicy.objects.select_for_update().get(organisation=organisation)
        changed = [key for key, value in cleaned.items() if getattr(policy, key) != value]
        if not changed:
            return policy
        before = audit.snapshot(policy, changed)
        for key in changed:
            setattr(policy, key, cleaned[key])
        policy.save(update_fields=[*changed, "updated_at"])
        audit.record_change(
            actor=actor, instance=policy, before=before, after=audit.snapshot(policy, changed)
        )
        reschedule_open_checkpoints(organisation_id=organisation.pk, policy=policy)
    return policy


def _clean_policy(changes: dict[str, Any]) -> dict[str, Any]:
    allowed = {
        "days_before",
        "on_due_day",
        "overdue_every_days",
        "escalate_after_days_overdue",
        "send_hour",
        "digest_time",
    }
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - allowed
    for key in sorted(unknown):
        errors[key] = [_("This field cannot be set here.")]
    cleaned: dict[str, Any] = {}
    if "days_before" in changes:
        value = changes["days_before"]
        try:
            days = sorted({int(d) for d in value or []}, reverse=True)
            if any(d < 1 or d > 365 for d in days):
                raise ValueError
            cleaned["days_before"] = days
        except (TypeError, ValueError):
            errors["days_before"] = [_("Give a list of whole numbers of days between 1 and 365.")]
    if "on_due_day" in changes:
        cleaned["on_due_day"] = bool(changes["on_due_day"])
    for key in ("overdue_every_days", "escalate_after_days_overdue"):
        if key in changes:
            value = changes[key]
            if value in (None, ""):
                cleaned[key] = None
                continue
            try:
                number = int(value)
                if number < 1 or number > 365:
                    raise ValueError
                cleaned[key] = number
            except (TypeError, ValueError):
                errors[key] = [_("Enter a number of days between 1 and 365, or nothing.")]
    if "send_hour" in changes:
        try:
            hour = int(changes["send_hour"])
            if hour < 0 or hour > 23:
                raise ValueError
            cleaned["send_hour"] = hour
        except (TypeError, ValueError):
            errors["send_hour"] = [_("Enter an hour between 0 and 23.")]
    if "digest_time" in changes:
        value = changes["digest_time"]
        try:
            cleaned["digest_time"] = (
                value if isinstance(value, datetime.time) else datetime.time.fromisoformat(value)
            )
        except (TypeError, ValueError):
            errors["digest_time"] = [_("Enter a time as HH:MM.")]
    if errors:
        raise ValidationFailed(errors)
    return cleaned


RULE_FIELDS = ("state", "kind", "due_after_days", "repeat_every_days", "responsible", "active")


def _clean_rule(changes: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key in sorted(set(changes) - set(RULE_FIELDS)):
        errors[key] = [_("This field cannot be set here.")]
    for key, choices in (
        ("state", [s for s in State.values if s not in FINAL_STATES]),
        ("kind", CheckpointKind.values),
        ("responsible", Responsible.values),
    ):
        if key in changes or (creating and key != "responsible"):
            value = changes.get(key)
            if value not in choices:
                errors[key] = [_("Choose one of: %(values)s.") % {"values": ", ".join(choices)}]
            else:
                cleaned[key] = value
    for key, required in (("due_after_days", creating), ("repeat_every_days", False)):
        if key in changes or required:
            days: Any = changes.get(key)
            if days in (None, "") and not required:
                cleaned[key] = None
                continue
            try:
                number = int(days)
                if number < 1 or number > 3650:
                    raise ValueError
                cleaned[key] = number
            except (TypeError, ValueError):
                errors[key] = [_("Enter a number of days between 1 and 3650.")]
    if "active" in changes:
        cleaned["active"] = bool(changes["active"])
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def create_rule(*, actor, organisation: Organisation, **fields: Any) -> CheckpointRule:
    _require_administrator(actor, organisation.pk)
    cleaned = _clean_rule(fields, creating=True)
    policy_for(organisation)
    with transaction.atomic():
        rule = CheckpointRule.objects.create(organisation=organisation, **cleaned)
        audit.record_change(actor=actor, instance=rule, before=None, after=audit.snapshot(rule))
    return rule


def update_rule(*, actor, rule: CheckpointRule, **changes: Any) -> CheckpointRule:
    """An administrator changes a rule; it applies to phases entered from now on."""
    _require_administrator(actor, rule.organisation_id)
    cleaned = _clean_rule(changes, creating=False)
    with transaction.atomic():
        locked = CheckpointRule.objects.select_for_update().get(pk=rule.pk)
        changed = [key for key, value in cleaned.items() if getattr(locked, key) != value]
        if changed:
            before = audit.snapshot(locked, changed)
            for key in changed:
                setattr(locked, key, cleaned[key])
            locked.save(update_fields=changed)
            audit.record_change(
                actor=actor, instance=locked, before=before, after=audit.snapshot(locked, changed)
            )
    return locked


# --- Creating checkpoints -------------------------------------------------------------------


def _build_checkpoint(
    *,
    innovation: Innovation,
    kind: str,
    due_date: datetime.date,
    source: str,
    policy: ReminderPolicy,
    now: datetime.datetime,
    responsible: str = Responsible.COMMITTEE,
    committee_id: int | None = None,
    responsible_person=None,
    rule: CheckpointRule | None = None,
    origin_decision=None,
    title: str = "",
    actor=None,
) -> Checkpoint:
    return Checkpoint(
        innovation=innovation,
        kind=kind,
        title=title,
        due_date=due_date,
        committee_id=committee_id or innovation.committee_id,
        responsible=responsible,
        responsible_person=responsible_person,
        source=source,
        rule=rule,
        state=innovation.state,
        origin_decision=origin_decision,
        next_reminder_at=schedule.next_reminder_at(due_date, policy, now),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def mandate_cadence(innovation: Innovation | int) -> int | None:
    """Every how many months the mandate card in force asks for a follow-up, if it says."""
    pk = innovation if isinstance(innovation, int) else innovation.pk
    return (
        MandateCard.objects.filter(innovation_id=pk)
        .order_by("-version")
        .values_list("follow_up_months", flat=True)
        .first()
    )


def _follows_cadence(kind: str, responsible: str) -> bool:
    """The committee's follow-ups keep the mandate's cadence, when its card sets one."""
    return kind == CheckpointKind.FOLLOW_UP and responsible == Responsible.COMMITTEE


def on_state_entered(*, innovation: Innovation, state: str, actor=None) -> list[Checkpoint]:
    """Create the checkpoints the organisation's rules ask for on entering ``state``.

    A committee follow-up rule is due after the mandate card's cadence (every N months)
    instead of its own days, when the card in force sets one.
    """
    policy = policy_for(innovation.organisation_id)
    rules = list(
        CheckpointRule.objects.filter(
            organisation_id=innovation.organisation_id, state=state, active=True
        )
    )
    if not rules:
        return []
    now = timezone.now()
    today = schedule.local_date(now)
    cadence = mandate_cadence(innovation) if state != State.NEED else None

    def due(rule: CheckpointRule) -> datetime.date:
        if cadence and _follows_cadence(rule.kind, rule.responsible):
            return add_months(today, cadence)
        return today + datetime.timedelta(days=rule.due_after_days)

    # A decision's follow-up date (set by the decision that brought the innovation here, or
    # earlier) already asks for what a rule would ask for a few days apart: one is enough.
    decided = list(
        Checkpoint.objects.filter(
            innovation=innovation,
            source=CheckpointSource.DECISION,
            status=CheckpointStatus.OPEN,
        ).values_list("kind", "due_date")
    )
    checkpoints = [
        _build_checkpoint(
            innovation=innovation,
            kind=rule.kind,
            due_date=due(rule),
            source=CheckpointSource.RULE,
            policy=policy,
            now=now,
            responsible=rule.responsible,
            rule=rule,
            actor=actor,
        )
        for rule in rules
        if not _within_merge_window(rule.kind, due(rule), decided)
    ]
    return Checkpoint.objects.bulk_create(checkpoints)


def merge_window_days() -> int:
    return settings.SPOR_CHECKPOINT_MERGE_DAYS


def _within_merge_window(
    kind: str, due_date: datetime.date, decided: list[tuple[str, datetime.date]]
) -> bool:
    window = merge_window_days()
    return any(k == kind and abs((d - due_date).days) <= window for k, d in decided)


def _merge_rule_checkpoints_into(checkpoint: Checkpoint, *, now: datetime.datetime) -> int:
    """Cancel the open rule checkpoints of the same kind within the window of a decision's
    follow-up date: the decision's checkpoint stands for them."""
    window = datetime.timedelta(days=merge_window_days())
    return Checkpoint.objects.filter(
        innovation=checkpoint.innovation,
        kind=checkpoint.kind,
        source=CheckpointSource.RULE,
        status=CheckpointStatus.OPEN,
        due_date__gte=checkpoint.due_date - window,
        due_date__lte=checkpoint.due_date + window,
    ).update(
        status=CheckpointStatus.CANCELLED, closed_at=now, next_reminder_at=None, updated_at=now
    )


def create_checkpoint(
    *,
    actor,
    innovation: Innovation,
    kind: str,
    due_date: datetime.date,
    title: str = "",
    responsible: str = Responsible.COMMITTEE,
    responsible_person=None,
) -> Checkpoint:
    """Set a checkpoint by hand: a secretary, an administrator or the owning official."""
    errors: dict[str, list[str]] = {}
    if kind not in CheckpointKind.values:
        errors["kind"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(CheckpointKind.values)}
        ]
    if responsible not in Responsible.values:
        errors["responsible"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(Responsible.values)}
        ]
    if not isinstance(due_date, datetime.date):
        try:
            due_date = datetime.date.fromisoformat(str(due_date))
        except ValueError:
            errors["due_date"] = [_("Enter a date as YYYY-MM-DD.")]
    if "due_date" not in errors and due_date < local_today():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    if responsible_person is not None and (
        responsible_person.organisation_id != innovation.organisation_id
    ):
        errors["responsible_person"] = [_("Choose a person of the innovation's organisation.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = lock_innovation(
            actor,
            innovation,
            may=permissions.can_edit_innovation,
            denied=_("You may not set checkpoints for this innovation."),
        )
        if locked.state in FINAL_STATES:
            raise ValidationFailed(
                {"innovation": [_("The innovation is finished; nothing more can fall due.")]}
            )
        checkpoint = _build_checkpoint(
            innovation=locked,
            kind=kind,
            due_date=due_date,
            source=CheckpointSource.MANUAL,
            policy=policy_for(locked.organisation_id),
            now=timezone.now(),
            responsible=responsible,
            responsible_person=responsible_person,
            title=(title or "").strip()[:300],
            actor=actor,
        )
        checkpoint.save()
    return checkpoint


def _lock_checkpoint(actor, checkpoint: Checkpoint | int) -> Checkpoint:
    pk = checkpoint if isinstance(checkpoint, int) else checkpoint.pk
    locked = (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("innovation")
        .filter(pk=pk)
        .first()
    )
    if locked is None or not permissions.can_view_innovation(actor, locked.innovation):
        raise NotFound(_("The checkpoint does not exist."))
    return locked


# --- Closing checkpoints --------------------------------------------------------------------


def _close(checkpoint: Checkpoint, *, status: str, now: datetime.datetime, **extra: Any) -> None:
    checkpoint.status = status
    checkpoint.closed_at = now
    checkpoint.next_reminder_at = None
    for key, value in extra.items():
        setattr(checkpoint, key, value)
    checkpoint.save(update_fields=["status", "closed_at", "next_reminder_at", "updated_at", *extra])


def _complete_locked(
    checkpoint: Checkpoint, *, actor, now: datetime.datetime, answered_by=None
) -> None:
    """Complete an open, locked checkpoint; a recurring rule sets the next one.

    ``answered_by``: the decision or follow-up that answers a committee's checkpoint (kept,
    so a correction that annuls or moves the record can re-open it).
    """
    answers = {}
    if answered_by is not None:
        key = (
            "answered_by_decision_id"
            if hasattr(answered_by, "outcome")
            else ("answered_by_follow_up_id")
        )
        answers[key] = answered_by.pk
    _close(
        checkpoint,
        status=CheckpointStatus.COMPLETED,
        now=now,
        completed_at=now,
        completed_by=actor if actor is not None and actor.is_authenticated else None,
        **answers,
    )
    rule = checkpoint.rule
    cadence = (
        mandate_cadence(checkpoint.innovation_id)
        if checkpoint.source == CheckpointSource.RULE
        and _follows_cadence(checkpoint.kind, checkpoint.responsible)
        else None
    )
    if (
        checkpoint.source == CheckpointSource.RULE
        and rule is not None
        and rule.active
        and (rule.repeat_every_days or cadence)
    ):
        innovation = checkpoint.innovation
        if innovation.state == checkpoint.state:
            today = schedule.local_date(now)
            _build_checkpoint(
                innovation=innovation,
                kind=checkpoint.kind,
                due_date=add_months(today, cadence)
                if cadence
                else today + datetime.timedelta(days=rule.repeat_every_days or 0),
                source=CheckpointSource.RULE,
                policy=policy_for(innovation.organisation_id),
                now=now,
                responsible=checkpoint.responsible,
                committee_id=checkpoint.committee_id,
                responsible_person=checkpoint.responsible_person,
                rule=rule,
                actor=actor,
            ).save()


def complete_checkpoint(*, actor, checkpoint: Checkpoint) -> Checkpoint:
    """The owner marks their own documentation or evaluation checkpoint done by hand.

    A decision or follow-up checkpoint is the committee's: it closes only when the evidence
    that answers it is recorded, or when an administrator waives it with a reason
    (``waive_checkpoint``). Nobody completes it by hand, and nobody but the owner completes
    the owner's.
    """
    with transaction.atomic():
        locked = _lock_checkpoint(actor, checkpoint)
        if locked.kind in COMMITTEE_KINDS:
            raise PermissionDenied(
                _(
                    "A decision or follow-up checkpoint closes when the committee's decision or "
                    "follow-up is recorded, or when an administrator waives it with a reason."
                )
            )
        if not _is_owner(actor, locked):
            raise PermissionDenied(
                _("Only the owning official completes this checkpoint, by submitting it.")
            )
        if not locked.is_open:
            return locked
        _complete_locked(locked, actor=actor, now=timezone.now())
    return locked


def waive_checkpoint(*, actor, checkpoint: Checkpoint, reason: str) -> Checkpoint:
    """An administrator decides a checkpoint is not needed, and says why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Say why the checkpoint is waived.")]})
    with transaction.atomic():
        locked = _lock_checkpoint(actor, checkpoint)
        if not permissions.is_administrator_of(actor, locked.innovation.organisation_id):
            raise PermissionDenied(_("Only an administrator waives a checkpoint."))
        if not locked.is_open:
            raise ValidationFailed(
                {"checkpoint": [_("The checkpoint is already %(status)s.")
                                % {"status": locked.get_status_display()}]}
            )  # fmt: skip
        _close(
            locked,
            status=CheckpointStatus.WAIVED,
            now=timezone.now(),
            waived_reason=reason,
            waived_by=actor,
        )
    return locked


def reschedule_checkpoint(*, actor, checkpoint: Checkpoint, due_date: datetime.date) -> Checkpoint:
    """Move an open checkpoint's due date; its calendar event is updated, not duplicated."""
    if not isinstance(due_date, datetime.date):
        try:
            due_date = datetime.date.fromisoformat(str(due_date))
        except ValueError as exc:
            raise ValidationFailed({"due_date": [_("Enter a date as YYYY-MM-DD.")]}) from exc
    if due_date < local_today():
        raise ValidationFailed({"due_date": [_("The due date cannot be in the past.")]})
    with transaction.atomic():
        locked = _lock_checkpoint(actor, checkpoint)
        if not _may_manage(actor, locked):
            raise PermissionDenied(_("You may not move this checkpoint."))
        if not locked.is_open:
            raise ValidationFailed({"checkpoint": [_("Only an open checkpoint can be moved.")]})
        if locked.due_date == due_date:
            return locked
        locked.due_date = due_date
        locked.sequence += 1
        locked.next_reminder_at = schedule.next_reminder_at(
            due_date, policy_for(locked.innovation.organisation_id), timezone.now()
        )
        locked.save(update_fields=["due_date", "sequence", "next_reminder_at", "updated_at"])
    return locked


def _is_owner(actor, checkpoint: Checkpoint) -> bool:
    """The person the checkpoint is set for, or else the innovation's owning official."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return False
    if checkpoint.responsible_person_id is not None:
        return checkpoint.responsible_person_id == actor_id
    return checkpoint.innovation.owner_id == actor_id


def _may_manage(actor, checkpoint: Checkpoint) -> bool:
    innovation = checkpoint.innovation
    if permissions.can_edit_innovation(actor, innovation):
        return True
    return (
        checkpoint.responsible_person_id is not None
        and checkpoint.responsible_person_id == getattr(actor, "pk", None)
    )


def cancel_checkpoints_for_state(
    *, innovation: Innovation, state: str, keep_decision_id: int | None = None
) -> int:
    """Leaving ``state`` cancels its open checkpoints.

    A follow-up date set by the very decision that moves the innovation is kept, and moves
    with it into the new phase.
    """
    now = timezone.now()
    open_ones = Checkpoint.objects.filter(
        innovation=innovation, state=state, status=CheckpointStatus.OPEN
    )
    if keep_decision_id is not None:
        open_ones.filter(origin_decision_id=keep_decision_id).update(
            state=innovation.state, updated_at=now
        )
        open_ones = open_ones.exclude(origin_decision_id=keep_decision_id)
    return open_ones.update(
        status=CheckpointStatus.CANCELLED, closed_at=now, next_reminder_at=None, updated_at=now
    )


def _complete_first_open(
    innovation: Innovation,
    kind: str,
    *,
    actor,
    committee_id: int | None = None,
    answered_by=None,
) -> Checkpoint | None:
    """Complete the open checkpoint of ``kind`` that is due first, if there is one.

    With ``committee_id`` (evidence of a committee's meeting), only a checkpoint at that
    committee: the council's decision on a referral is not answered by the committee's.
    """
    open_ones = Checkpoint.objects.filter(
        innovation=innovation, kind=kind, status=CheckpointStatus.OPEN
    )
    if committee_id is not None:
        open_ones = open_ones.filter(Q(committee_id=committee_id) | Q(committee__isnull=True))
    checkpoint = (
        open_ones.select_for_update(of=("self",))
        .select_related("innovation", "rule")
        .order_by("due_date", "id")
        .first()
    )
    if checkpoint is None:
        return None
    _complete_locked(checkpoint, actor=actor, now=timezone.now(), answered_by=answered_by)
    return checkpoint


# --- Called by the decision trail's services, inside their transaction ----------------------


def on_decision_recorded(*, actor, decision) -> None:
    """A decision completes the decision checkpoint; its follow-up date or postponement sets
    the next one."""
    _answer(decision, actor=actor)
    _set_by_decision(decision, actor=actor)


def _answer(record, *, actor) -> None:
    """A decision answers the open decision checkpoint at its meeting's committee; a
    follow-up the open follow-up checkpoint."""
    if hasattr(record, "outcome"):
        _complete_first_open(
            record.innovation,
            CheckpointKind.DECISION,
            actor=actor,
            committee_id=record.meeting.committee_id,
            answered_by=record,
        )
    else:
        _complete_first_open(
            record.innovation, CheckpointKind.FOLLOW_UP, actor=actor, answered_by=record
        )


def _set_by_decision(decision, *, actor, only_missing: bool = False) -> None:
    """The checkpoints a decision sets: its follow-up date, its postponement, its referral.

    ``only_missing`` (after a correction): those it has not set on its innovation already.
    """
    innovation = decision.innovation
    if innovation.state in FINAL_STATES:
        return
    policy = policy_for(innovation.organisation_id)
    now = timezone.now()
    already = Checkpoint.objects.filter(
        origin_decision_id=decision.pk,
        innovation_id=innovation.pk,
        status__in=(CheckpointStatus.OPEN, CheckpointStatus.COMPLETED),
    )

    def missing(**lookup: Any) -> bool:
        return not only_missing or not already.filter(**lookup).exists()

    if decision.follow_up_date and missing(kind=CheckpointKind.FOLLOW_UP):
        checkpoint = _follow_up_checkpoint(decision, actor=actor, policy=policy, now=now)
        checkpoint.save()
        _merge_rule_checkpoints_into(checkpoint, now=now)
    if decision.outcome == "referred" and missing(
        kind=CheckpointKind.DECISION, source=CheckpointSource.DECISION
    ):
        _refer_to_council(actor=actor, decision=decision, policy=policy, now=now)
    if decision.outcome == "postponed" and missing(source=CheckpointSource.POSTPONED):
        meeting = decision.meeting
        next_meeting = (
            Meeting.objects.filter(committee_id=meeting.committee_id, date__gt=meeting.date)
            .order_by("date")
            .first()
        )
        due = (
            next_meeting.date
            if next_meeting
            else max(meeting.date, schedule.local_date(now))
            + datetime.timedelta(days=POSTPONED_FALLBACK_DAYS)
        )
        _build_checkpoint(
            innovation=innovation,
            kind=CheckpointKind.DECISION,
            due_date=due,
            source=CheckpointSource.POSTPONED,
            policy=policy,
            now=now,
            committee_id=meeting.committee_id,
            origin_decision=decision,
            title=_("Decision postponed on %(date)s") % {"date": meeting.date.strftime("%d.%m.%Y")},
            actor=actor,
        ).save()


def _follow_up_checkpoint(
    decision, *, actor, policy: ReminderPolicy, now: datetime.datetime
) -> Checkpoint:
    return _build_checkpoint(
        innovation=decision.innovation,
        kind=CheckpointKind.FOLLOW_UP,
        due_date=decision.follow_up_date,
        source=CheckpointSource.DECISION,
        policy=policy,
        now=now,
        origin_decision=decision,
        title=_("Follow-up asked for by the decision of %(date)s")
        % {"date": decision.meeting.date.strftime("%d.%m.%Y")},
        actor=actor,
    )


def _refer_to_council(*, actor, decision, policy: ReminderPolicy, now: datetime.datetime) -> None:
    """A decision referred to the council: a decision checkpoint for the council, due at its
    next meeting (or after the fallback period), which its secretary sees on the agenda."""
    meeting = decision.meeting
    council = (
        Committee.objects.filter(
            organisation_id=decision.innovation.organisation_id, is_council=True
        )
        .only("pk")
        .first()
    )
    if council is None:
        return
    next_meeting = (
        Meeting.objects.filter(committee_id=council.pk, date__gt=meeting.date)
        .order_by("date")
        .first()
    )
    due = (
        next_meeting.date
        if next_meeting
        else max(meeting.date, schedule.local_date(now))
        + datetime.timedelta(days=POSTPONED_FALLBACK_DAYS)
    )
    _build_checkpoint(
        innovation=decision.innovation,
        kind=CheckpointKind.DECISION,
        due_date=due,
        source=CheckpointSource.DECISION,
        policy=policy,
        now=now,
        committee_id=council.pk,
        origin_decision=decision,
        title=_("Referred to the council by %(committee)s on %(date)s")
        % {"committee": meeting.committee.name, "date": meeting.date.strftime("%d.%m.%Y")},
        actor=actor,
    ).save()


# Corrections of these change which checkpoints the record answers or sets.
ANSWERING_FIELDS = {"innovation", "meeting", "outcome", "annulled"}


def on_correction_recorded(*, actor, correction) -> None:
    """The checkpoints follow the corrected record.

    A corrected follow-up date moves the checkpoint the decision set (or sets or cancels it).
    A correction of the innovation, meeting or outcome, or an annulment: a checkpoint the
    record answered and no longer answers re-opens (or is cancelled if its phase is over);
    a checkpoint it set and would no longer set is cancelled; what the corrected record
    answers or sets is then answered or set. Runs inside the correction's transaction, with
    the innovation locked.
    """
    record = correction.decision if correction.decision_id else correction.follow_up
    current = effective_record(record)
    values = correction.corrected_values
    substantive = bool(ANSWERING_FIELDS & set(values))
    if substantive:
        _withdraw(record, current, actor=actor)
    if getattr(current, "annulled", False):
        return
    if correction.decision_id and "follow_up_date" in values:
        _move_follow_up_date(current, actor=actor)
    if substantive:
        answered = Checkpoint.objects.filter(
            status=CheckpointStatus.COMPLETED,
            **{_answer_key(record): record.pk, "innovation_id": current.innovation_id},
        )
        if not answered.exists():
            _answer(current, actor=actor)
        if correction.decision_id:
            _set_by_decision(current, actor=actor, only_missing=True)


def _answer_key(record) -> str:
    return "answered_by_decision_id" if hasattr(record, "outcome") else "answered_by_follow_up_id"


def _withdraw(record, current, *, actor) -> None:
    """Undo what the record did to checkpoints that the corrected record does not do."""
    now = timezone.now()
    annulled = getattr(current, "annulled", False)
    is_decision = hasattr(record, "outcome")
    for checkpoint in (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("innovation")
        .filter(status=CheckpointStatus.COMPLETED, **{_answer_key(record): record.pk})
    ):
        still = (
            not annulled
            and checkpoint.innovation_id == current.innovation_id
            and (not is_decision or checkpoint.committee_id in (None, current.meeting.committee_id))
        )
        if not still:
            _reopen(checkpoint, now=now)
    if not is_decision:
        return
    for checkpoint in Checkpoint.objects.select_for_update(of=("self",)).filter(
        origin_decision_id=record.pk, status=CheckpointStatus.OPEN
    ):
        if checkpoint.source == CheckpointSource.POSTPONED:
            applies = current.outcome == "postponed" and (
                checkpoint.committee_id == current.meeting.committee_id
            )
        elif checkpoint.kind == CheckpointKind.DECISION:  # the referral to the council
            applies = current.outcome == "referred"
        else:  # the follow-up date
            applies = True
        if annulled or checkpoint.innovation_id != current.innovation_id or not applies:
            _close(checkpoint, status=CheckpointStatus.CANCELLED, now=now)


def _reopen(checkpoint: Checkpoint, *, now: datetime.datetime) -> None:
    """A completed checkpoint whose answer was annulled or moved: open again (reminders
    resume), or cancelled if the innovation has left the phase it belonged to."""
    checkpoint.completed_at = None
    checkpoint.completed_by = None
    checkpoint.answered_by_decision = None
    checkpoint.answered_by_follow_up = None
    checkpoint.sequence += 1
    fields = [
        "status",
        "closed_at",
        "next_reminder_at",
        "completed_at",
        "completed_by",
        "answered_by_decision",
        "answered_by_follow_up",
        "sequence",
        "updated_at",
    ]
    if checkpoint.state and checkpoint.state != checkpoint.innovation.state:
        checkpoint.status = CheckpointStatus.CANCELLED
        checkpoint.closed_at = now
        checkpoint.next_reminder_at = None
    else:
        checkpoint.status = CheckpointStatus.OPEN
        checkpoint.closed_at = None
        checkpoint.next_reminder_at = schedule.next_reminder_at(
            checkpoint.due_date, policy_for(checkpoint.innovation.organisation_id), now
        )
    checkpoint.save(update_fields=fields)


def _move_follow_up_date(decision, *, actor) -> None:
    """The decision's corrected follow-up date: its checkpoint moves, is set or cancelled."""
    raw = decision.follow_up_date
    due_date = (
        raw if isinstance(raw, datetime.date) or raw is None else datetime.date.fromisoformat(raw)
    )
    now = timezone.now()
    open_ones = Checkpoint.objects.select_for_update().filter(
        origin_decision_id=decision.pk, kind=CheckpointKind.FOLLOW_UP, status=CheckpointStatus.OPEN
    )
    if due_date is None:
        open_ones.update(
            status=CheckpointStatus.CANCELLED, closed_at=now, next_reminder_at=None, updated_at=now
        )
        return
    checkpoints = list(open_ones)
    policy = policy_for(decision.innovation.organisation_id)
    for checkpoint in checkpoints:
        if checkpoint.due_date == due_date:
            continue
        checkpoint.due_date = due_date
        checkpoint.sequence += 1
        checkpoint.next_reminder_at = schedule.next_reminder_at(due_date, policy, now)
        checkpoint.save(update_fields=["due_date", "sequence", "next_reminder_at", "updated_at"])
    already_set = Checkpoint.objects.filter(
        origin_decision_id=decision.pk, kind=CheckpointKind.FOLLOW_UP
    ).exists()
    if not checkpoints and not already_set and decision.innovation.state not in FINAL_STATES:
        _follow_up_checkpoint(decision, actor=actor, policy=policy, now=now).save()


def on_committee_changed(
    *, actor, innovation: Innovation, previous_id: int, committee_id: int
) -> int:
    """The responsible committee changed: its open decision and follow-up checkpoints move.

    Checkpoints at another committee (a referral to the council) stay where they are.
    """
    return Checkpoint.objects.filter(
        innovation=innovation,
        committee_id=previous_id,
        kind__in=COMMITTEE_KINDS,
        status=CheckpointStatus.OPEN,
    ).update(committee_id=committee_id, updated_at=timezone.now())


def on_follow_up_recorded(*, actor, follow_up) -> None:
    _answer(follow_up, actor=actor)


def _owners_submission(innovation: Innovation, kind: str, *, actor) -> None:
    """The owner's submission completes the owner's checkpoint of ``kind``: the one set for
    the submitter by name, or else one of the innovation they own (an innovation nobody
    owns: anyone who may submit). Someone else's submission leaves it open."""
    open_ones = Checkpoint.objects.filter(
        innovation=innovation, kind=kind, status=CheckpointStatus.OPEN
    )
    actor_id = getattr(actor, "pk", None)
    mine = Q(responsible_person_id=actor_id)
    if innovation.owner_id is None or innovation.owner_id == actor_id:
        mine |= Q(responsible_person__isnull=True)
    checkpoint = (
        open_ones.filter(mine)
        .select_for_update(of=("self",))
        .select_related("innovation", "rule")
        .order_by("due_date", "id")
        .first()
    )
    if checkpoint is not None:
        _complete_locked(checkpoint, actor=actor, now=timezone.now())


def on_evaluation_submitted(*, actor, evaluation) -> None:
    _owners_submission(evaluation.innovation, CheckpointKind.EVALUATION, actor=actor)


def complete_documentation_checkpoints(*, innovation: Innovation, actor) -> None:
    """Documentation or a status report was submitted: the owner's documentation checkpoint
    is met."""
    _owners_submission(innovation, CheckpointKind.DOCUMENTATION, actor=actor)


def on_transition_applied(*, actor, innovation: Innovation, log_entry) -> None:
    """Leaving a phase cancels its open checkpoints; entering one creates the rules'.

    An amended mandate stays in its phase: its checkpoints stay, and the committee's open
    follow-up from the rules moves to the new cadence when the amendment changed it.
    """
    if log_entry.source == log_entry.target:
        _follow_new_cadence(innovation=innovation, decision_id=log_entry.decision_id)
        return
    cancel_checkpoints_for_state(
        innovation=innovation, state=log_entry.source, keep_decision_id=log_entry.decision_id
    )
    if log_entry.target not in FINAL_STATES:
        on_state_entered(innovation=innovation, state=log_entry.target, actor=actor)


def _follow_new_cadence(*, innovation: Innovation, decision_id: int | None) -> None:
    card = MandateCard.objects.filter(decision_id=decision_id).first() if decision_id else None
    if card is None or "follow_up_months" not in card.changed_fields:
        return
    now = timezone.now()
    open_follow_ups = list(
        Checkpoint.objects.select_for_update(of=("self",))
        .filter(
            innovation=innovation,
            kind=CheckpointKind.FOLLOW_UP,
            responsible=Responsible.COMMITTEE,
            source=CheckpointSource.RULE,
            status=CheckpointStatus.OPEN,
        )
        .order_by("due_date", "id")
    )
    if not card.follow_up_months:
        return
    due = add_months(schedule.local_date(now), card.follow_up_months)
    policy = policy_for(innovation.organisation_id)
    for checkpoint in open_follow_ups:
        if checkpoint.due_date == due:
            continue
        checkpoint.due_date = due
        checkpoint.sequence += 1
        checkpoint.next_reminder_at = schedule.next_reminder_at(due, policy, now)
        checkpoint.save(update_fields=["due_date", "sequence", "next_reminder_at", "updated_at"])


# --- Rescheduling after a policy change -----------------------------------------------------


def reschedule_open_checkpoints(*, organisation_id: int, policy: ReminderPolicy) -> int:
    """Recompute ``next_reminder_at`` of an organisation's open checkpoints (in batches)."""
    now = timezone.now()
    count = 0
    last_id = 0
    while True:
        batch = list(
            Checkpoint.objects.filter(
                innovation__organisation_id=organisation_id,
                status=CheckpointStatus.OPEN,
                pk__gt=last_id,
            )
            .order_by("pk")
            .only("pk", "due_date", "next_reminder_at")[:1000]
        )
        if not batch:
            return count
        for checkpoint in batch:
            checkpoint.next_reminder_at = schedule.next_reminder_at(
                checkpoint.due_date, policy, now
            )
        Checkpoint.objects.bulk_update(batch, ["next_reminder_at"])
        count += len(batch)
        last_id = batch[-1].pk


# --- The personal calendar feed -------------------------------------------------------------


def renew_calendar_token(*, actor) -> str:
    """A new secret for the person's calendar URL; the old URL stops working at once."""
    if not (actor and actor.is_authenticated):
        raise PermissionDenied(_("Sign in to renew your calendar link."))
    with transaction.atomic():
        actor.calendar_token = new_calendar_token()
        actor.save(update_fields=["calendar_token"])
    return actor.calendar_token


# --- In-app notifications -------------------------------------------------------------------


def mark_notifications_read(*, actor, notification_ids: list[int] | None = None) -> int:
    """Mark the actor's own notifications read (the given ones, or all); returns how many."""
    if not (actor and actor.is_authenticated):
        raise PermissionDenied(_("Sign in to read your notifications."))
    unread = Notification.objects.filter(recipient=actor, unread=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    with transaction.atomic():
        return unread.update(unread=False)


def mark_notification_read(*, actor, notification_id: int):
    """The person opened one of their own notifications; anyone else's does not exist."""
    if not (actor and actor.is_authenticated):
        raise PermissionDenied(_("Sign in to read your notifications."))
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient_id=actor.pk, deleted=False)
            .first()
        )
        if notification is None:
            raise NotFound(_("The notification does not exist."))
        if notification.unread:
            notification.unread = False
            notification.save(update_fields=["unread"])
    return notification


def put_before_committee(
    *, actor, innovation: Innovation, committee_id: int, title: str
) -> Checkpoint:
    """A matter raised for the committee (a member proposal, a reuse examined at a
    politician's request): a decision checkpoint due at the committee's next meeting (or
    after the fallback period), which its secretary sees on the agenda. Called by the
    raising service inside its transaction, after its own permission check."""
    now = timezone.now()
    today = schedule.local_date(now)
    next_meeting = (
        Meeting.objects.filter(committee_id=committee_id, date__gte=today).order_by("date").first()
    )
    due = (
        next_meeting.date
        if next_meeting
        else today + datetime.timedelta(days=POSTPONED_FALLBACK_DAYS)
    )
    checkpoint = _build_checkpoint(
        innovation=innovation,
        kind=CheckpointKind.DECISION,
        due_date=due,
        source=CheckpointSource.MANUAL,
        policy=policy_for(innovation.organisation_id),
        now=now,
        committee_id=committee_id,
        title=title[:300],
        actor=actor,
    )
    checkpoint.save()
    return checkpoint
