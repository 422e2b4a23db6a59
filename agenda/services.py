"""Writes of agendas and attendance: the meeting system's push, imports, attendance.

``push_meeting`` is the one write of a meeting and its agenda from outside: the API's
``PUT /api/v1/meetings/by-external-id/{id}/``, the import command and the secretary's upload
all call it. It is idempotent: the same agenda sent again finds nothing to change, writes
nothing and records no audit event. ``plan_meeting`` is its read-only half, which the
upload's preview shows.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit import services as audit
from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations import permissions
from innovations.models import Innovation
from organisations.models import MEETING_FROZEN_MESSAGE, Committee, Meeting, Organisation
from organisations.services import _check_backdating

from .models import AgendaItem, Attendance, AttendanceStatus, Disqualification

ITEM_FIELDS = (
    "number",
    "title",
    "case_number",
    "kle_code",
    "closed",
    "innovation",
    "position",
    "external_id",
)
MEETING_FIELDS = ("committee", "date", "start_time", "location", "minutes_url")


@dataclasses.dataclass(frozen=True)
class ItemIn:
    """One agenda item as the meeting system sends it."""

    number: str
    title: str
    external_id: str = ""
    case_number: str = ""
    kle_code: str = ""
    closed: bool = False
    innovation: int | None = None


@dataclasses.dataclass(frozen=True)
class MeetingIn:
    """A meeting and its whole agenda as the meeting system sends it."""

    external_id: str
    committee: int
    date: datetime.date
    start_time: datetime.time | None = None
    location: str = ""
    minutes_url: str = ""
    items: tuple[ItemIn, ...] = ()


@dataclasses.dataclass
class ItemPlan:
    action: str  # "create", "change", "remove", "keep" (not sent, but carries evidence)
    values: dict[str, Any]
    item: AgendaItem | None = None
    changes: dict[str, tuple[Any, Any]] = dataclasses.field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.values.get('number', '')}. {self.values.get('title', '')}"

    @property
    def changes_anything(self) -> bool:
        return self.action in ("create", "remove") or bool(self.changes)


@dataclasses.dataclass
class MeetingPlan:
    """What ``push_meeting`` would do with one meeting: nothing, when ``unchanged``."""

    data: MeetingIn
    meeting: Meeting | None
    values: dict[str, Any]
    changes: dict[str, tuple[Any, Any]]
    items: list[ItemPlan]

    @property
    def creates_meeting(self) -> bool:
        return self.meeting is None

    @property
    def item_changes(self) -> list[ItemPlan]:
        return [plan for plan in self.items if plan.action != "keep" and plan.changes_anything]

    @property
    def unchanged(self) -> bool:
        return self.meeting is not None and not self.changes and not self.item_changes


@dataclasses.dataclass
class PushResult:
    meeting: Meeting
    created: bool
    changed: bool
    plan: MeetingPlan


# --- Planning: read-only ----------------------------------------------------------------------


def _committee_for(actor, committee_id: int) -> Committee:
    committee = Committee.objects.filter(pk=committee_id).first()
    if committee is None or not permissions.is_member_of_organisation(
        actor, committee.organisation_id
    ):
        raise ValidationFailed({"committee": [_("Choose a committee of your organisation.")]})
    if not (
        permissions.is_administrator_of(actor, committee.organisation_id)
        or committee.pk in permissions.secretary_committee_ids(actor)
    ):
        raise PermissionDenied(
            _("Only the committee's secretary or an administrator can send its agendas.")
        )
    return committee


def _clean_item(
    index: int, item: ItemIn, *, organisation_id: int, existing: AgendaItem | None
) -> dict[str, Any]:
    """The item's values after the model's own validators; the innovation by id, or found
    by its case number."""
    prefix = f"items[{index}]"
    values: dict[str, Any] = {
        "number": (item.number or "").strip(),
        "title": (item.title or "").strip(),
        "case_number": (item.case_number or "").strip(),
        "kle_code": (item.kle_code or "").strip(),
        "closed": bool(item.closed),
        "external_id": (item.external_id or "").strip(),
    }
    innovation_id = item.innovation
    if innovation_id is not None:
        if not Innovation.objects.filter(
            pk=innovation_id, organisation_id=organisation_id
        ).exists():
            raise ValidationFailed(
                {
                    f"{prefix}.innovation": [
                        _("No innovation %(id)s in your organisation.") % {"id": innovation_id}
                    ]
                }
            )
    elif values["case_number"]:
        matches = list(
            Innovation.objects.filter(
                organisation_id=organisation_id, case_number=values["case_number"]
            ).values_list("pk", flat=True)[:2]
        )
        if len(matches) == 1:
            innovation_id = matches[0]
    if innovation_id is None and existing is not None:
        innovation_id = existing.innovation_id  # a link the secretary made stays
    values["innovation"] = innovation_id
    values["position"] = index
    probe = AgendaItem(**{k: v for k, v in values.items() if k != "innovation"})
    probe.innovation_id = innovation_id
    try:
        probe.full_clean(exclude=["meeting", "innovation"], validate_unique=False)
    except ValidationError as exc:
        raise ValidationFailed(
            {
                f"{prefix}.{field}": [str(m) for m in messages]
                for field, messages in exc.message_dict.items()
            }
        ) from exc
    return values


def _item_value(item: AgendaItem, field: str) -> Any:
    return item.innovation_id if field == "innovation" else getattr(item, field)


def _find_meeting(organisation_id: int, data: MeetingIn, committee: Committee) -> Meeting | None:
    found = (
        Meeting.objects.filter(
            committee__organisation_id=organisation_id, external_id=data.external_id
        )
        .select_related("committee")
        .first()
    )
    if found is None:
        # a meeting the secretary registered by hand becomes the meeting system's
        found = (
            Meeting.objects.filter(committee=committee, date=data.date, external_id="")
            .select_related("committee")
            .first()
        )
    return found


def plan_meeting(*, actor, data: MeetingIn) -> MeetingPlan:
    """What pushing ``data`` would create, change and remove; writes nothing."""
    external_id = (data.external_id or "").strip()
    if not external_id or len(external_id) > 200:
        raise ValidationFailed(
            {
                "external_id": [
                    _("Give the meeting's id in the meeting system (at most 200 characters).")
                ]
            }
        )
    data = dataclasses.replace(data, external_id=external_id)
    committee = _committee_for(actor, data.committee)
    organisation_id = committee.organisation_id
    meeting = _find_meeting(organisation_id, data, committee)
    values: dict[str, Any] = {
        "committee": committee.pk,
        "date": data.date,
        "start_time": data.start_time,
        "location": (data.location or "").strip(),
        "minutes_url": (data.minutes_url or "").strip(),
    }
    probe = Meeting(
        committee=committee,
        date=data.date,
        start_time=data.start_time,
        location=values["location"],
        minutes_url=values["minutes_url"],
        external_id=external_id,
    )
    try:
        probe.full_clean(exclude=["committee"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(exc.message_dict) from exc
    changes: dict[str, tuple[Any, Any]] = {}
    if meeting is not None:
        current = {
            "committee": meeting.committee_id,
            "date": meeting.date,
            "start_time": meeting.start_time,
            "location": meeting.location,
            "minutes_url": meeting.minutes_url,
        }
        changes = {f: (current[f], values[f]) for f in MEETING_FIELDS if current[f] != values[f]}
        if meeting.external_id != external_id:
            changes["external_id"] = (meeting.external_id, external_id)
        frozen = [f for f in Meeting.FROZEN_FIELDS if f in changes]
        if frozen and meeting.carries_evidence():
            raise ValidationFailed({field: [str(MEETING_FROZEN_MESSAGE)] for field in frozen})
        if "date" in changes:
            _check_backdating(actor, organisation_id, data.date)
    else:
        _check_backdating(actor, organisation_id, data.date)
    if meeting is not None and meeting.committee_id != committee.pk:
        # moving a meeting to another committee: the actor must also act for its committee
        _committee_for(actor, meeting.committee_id)

    existing = list(meeting.agenda_items.all()) if meeting is not None else []
    by_external = {item.external_id: item for item in existing if item.external_id}
    by_number = {item.number: item for item in existing if not item.external_id}
    plans: list[ItemPlan] = []
    matched: set[int] = set()
    seen_ids: set[str] = set()
    seen_numbers: set[str] = set()
    for index, sent in enumerate(data.items):
        ext = (sent.external_id or "").strip()
        # by the meeting system's id; else by number, an item that has no id yet
        stored = by_external.get(ext) if ext else None
        if stored is None:
            stored = by_number.get((sent.number or "").strip())
        if stored is not None and stored.pk in matched:
            stored = None
        item_values = _clean_item(index, sent, organisation_id=organisation_id, existing=stored)
        if (ext and ext in seen_ids) or item_values["number"] in seen_numbers:
            raise ValidationFailed(
                {
                    f"items[{index}]": [
                        _("The agenda names item %(number)s twice.")
                        % {"number": item_values["number"]}
                    ]
                }
            )
        seen_ids.add(ext)
        seen_numbers.add(item_values["number"])
        if stored is None:
            plans.append(ItemPlan(action="create", values=item_values))
            continue
        matched.add(stored.pk)
        item_changes = {
            f: (_item_value(stored, f), item_values[f])
            for f in ITEM_FIELDS
            if _item_value(stored, f) != item_values[f]
        }
        frozen = [f for f in ("closed", "innovation") if f in item_changes]
        if frozen and stored.carries_evidence():
            raise ValidationFailed(
                {
                    f"items[{index}].{field}": [
                        _(
                            "Decisions or follow-ups are recorded on item %(number)s, so its "
                            "innovation and whether it is closed cannot change."
                        )
                        % {"number": stored.number}
                    ]
                    for field in frozen
                }
            )
        plans.append(
            ItemPlan(action="change", values=item_values, item=stored, changes=item_changes)
        )
    for left_out in existing:
        if left_out.pk in matched:
            continue
        values_of = {f: _item_value(left_out, f) for f in ITEM_FIELDS}
        action = "keep" if left_out.carries_evidence() else "remove"
        plans.append(ItemPlan(action=action, values=values_of, item=left_out))
        if action == "keep" and left_out.number in seen_numbers:
            raise ValidationFailed(
                {
                    "items": [
                        _(
                            "Item %(number)s is left out of the agenda but decisions are "
                            "recorded on it, so its number cannot go to another item."
                        )
                        % {"number": left_out.number}
                    ]
                }
            )
    return MeetingPlan(data=data, meeting=meeting, values=values, changes=changes, items=plans)


# --- Pushing ----------------------------------------------------------------------------------


def push_meeting(*, actor, data: MeetingIn) -> PushResult:
    """Create or update a meeting and its agenda from the meeting system, by external id.

    Idempotent: when nothing differs, nothing is written and no audit event is recorded.
    A meeting that carries evidence keeps its committee and date (integrity promise 2); an
    item that carries evidence keeps its innovation and whether it is closed, and an item
    left out of the agenda is removed only when no evidence rests on it.
    """
    committee = _committee_for(actor, data.committee)
    with transaction.atomic():
        # One push per organisation at a time: the external id is unique per organisation,
        # which no constraint of the meeting's own table can say.
        Organisation.objects.select_for_update().filter(pk=committee.organisation_id).first()
        plan = plan_meeting(actor=actor, data=data)
        if plan.unchanged:
            assert plan.meeting is not None
            return PushResult(meeting=plan.meeting, created=False, changed=False, plan=plan)
        organisation_id = committee.organisation_id
        created = plan.meeting is None
        try:
            with transaction.atomic():
                meeting = _write_meeting(actor, plan)
                _write_items(actor, meeting, plan, organisation_id)
        except IntegrityError as exc:
            if "meeting_unique_per_day" in str(exc):
                raise ValidationFailed(
                    {"date": [_("The committee already has another meeting that day.")]}
                ) from exc
            raise ValidationFailed(
                {"external_id": [_("Another meeting of the committee has this id.")]}
            ) from exc
    return PushResult(meeting=meeting, created=created, changed=True, plan=plan)


def _write_meeting(actor, plan: MeetingPlan) -> Meeting:
    values = plan.values
    if plan.meeting is None:
        meeting = Meeting.objects.create(
            committee_id=values["committee"],
            date=values["date"],
            start_time=values["start_time"],
            location=values["location"],
            minutes_url=values["minutes_url"],
            external_id=plan.data.external_id,
        )
        audit.record_change(
            actor=actor, instance=meeting, before=None, after=audit.snapshot(meeting)
        )
        return meeting
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee")
        .get(pk=plan.meeting.pk)
    )
    if not plan.changes:
        return meeting
    before = audit.snapshot(meeting)
    for field, (_old, new) in plan.changes.items():
        setattr(meeting, "committee_id" if field == "committee" else field, new)
    meeting.save(update_fields=list(plan.changes))
    audit.record_change(actor=actor, instance=meeting, before=before, after=audit.snapshot(meeting))
    return meeting


def _write_items(actor, meeting: Meeting, plan: MeetingPlan, organisation_id: int) -> None:
    # Removals and renumberings first, so the unique item number per meeting holds after
    # each statement: an item that moves from 3 to 4 while 4 moves to 5 is parked first.
    for item_plan in plan.items:
        if item_plan.action == "remove" and item_plan.item is not None:
            before = audit.snapshot(item_plan.item)
            item_plan.item.delete()
            audit.record_change(
                actor=actor,
                instance=item_plan.item,
                before=before,
                after=None,
                organisation_id=organisation_id,
            )
    renumbered = [p for p in plan.items if p.action == "change" and "number" in p.changes]
    for item_plan in renumbered:
        assert item_plan.item is not None
        AgendaItem.objects.filter(pk=item_plan.item.pk).update(number=f"~{item_plan.item.pk}")
    for item_plan in plan.items:
        if item_plan.action == "create":
            values = dict(item_plan.values)
            innovation_id = values.pop("innovation")
            created = AgendaItem.objects.create(
                meeting=meeting, innovation_id=innovation_id, **values
            )
            audit.record_change(
                actor=actor,
                instance=created,
                before=None,
                after=audit.snapshot(created),
                organisation_id=organisation_id,
            )
        elif item_plan.action == "change" and item_plan.changes:
            item = item_plan.item
            assert item is not None
            before = audit.snapshot(item)
            for field, (_old, new) in item_plan.changes.items():
                setattr(item, "innovation_id" if field == "innovation" else field, new)
            item.save(update_fields=list(item_plan.changes))
            audit.record_change(
                actor=actor,
                instance=item,
                before=before,
                after=audit.snapshot(item),
                organisation_id=organisation_id,
            )


def push_meetings(*, actor, meetings: list[MeetingIn]) -> list[PushResult]:
    """Push several meetings (an import) all or nothing: bad input anywhere loses nothing."""
    with transaction.atomic():
        results = []
        for index, data in enumerate(meetings):
            try:
                results.append(push_meeting(actor=actor, data=data))
            except ValidationFailed as exc:
                raise ValidationFailed(
                    {f"meetings[{index}].{key}": messages for key, messages in exc.errors.items()}
                ) from exc
        return results


def preview_meetings(*, actor, meetings: list[MeetingIn]) -> list[MeetingPlan]:
    plans = []
    for index, data in enumerate(meetings):
        try:
            plans.append(plan_meeting(actor=actor, data=data))
        except ValidationFailed as exc:
            raise ValidationFailed(
                {f"meetings[{index}].{key}": messages for key, messages in exc.errors.items()}
            ) from exc
    return plans


# --- Attendance ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AttendanceIn:
    person: int
    status: str
    substitute_for: int | None = None
    party_group: str = ""


def _lock_meeting_for_secretary(actor, meeting: Meeting | int) -> Meeting:
    pk = meeting.pk if isinstance(meeting, Meeting) else meeting
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("committee")
        .filter(pk=pk)
        .first()
    )
    if locked is None or not permissions.is_member_of_organisation(
        actor, locked.committee.organisation_id
    ):
        raise NotFound(_("The meeting does not exist."))
    if not (
        permissions.is_administrator_of(actor, locked.committee.organisation_id)
        or locked.committee_id in permissions.secretary_committee_ids(actor)
    ):
        raise PermissionDenied(
            _("Only the committee's secretary or an administrator records its attendance.")
        )
    return locked


def record_attendance(
    *, actor, meeting: Meeting | int, rows: list[AttendanceIn]
) -> list[Attendance]:
    """Set who was present and absent at a meeting, and who sat in as a substitute.

    The list replaces what was recorded before; sending the same list again changes nothing.
    Members are the committee's members on the meeting's day; a substitute is a person of the
    organisation present in the place of an absent member.
    """
    from organisations.models import Membership, MembershipRole, User

    with transaction.atomic():
        locked = _lock_meeting_for_secretary(actor, meeting)
        organisation_id = locked.committee.organisation_id
        members = set(
            Membership.objects.valid_on(locked.date)
            .filter(committee_id=locked.committee_id)
            .exclude(role=MembershipRole.SECRETARY)
            .values_list("person_id", flat=True)
        )
        people = set(
            User.objects.filter(
                organisation_id=organisation_id, pk__in=[r.person for r in rows]
            ).values_list("pk", flat=True)
        )
        errors: dict[str, list[str]] = {}
        seen: set[int] = set()
        absent = {r.person for r in rows if r.status == AttendanceStatus.ABSENT}
        for index, row in enumerate(rows):
            key = f"attendance[{index}]"
            if row.status not in AttendanceStatus.values:
                errors.setdefault(key, []).append(_("Say present or absent."))
            if row.person not in people:
                errors.setdefault(key, []).append(_("No such person in your organisation."))
            elif row.person in seen:
                errors.setdefault(key, []).append(_("The person is listed twice."))
            seen.add(row.person)
            if row.substitute_for is not None:
                if row.substitute_for not in members:
                    errors.setdefault(key, []).append(
                        _("A substitute sits in for a member of the committee.")
                    )
                elif row.substitute_for not in absent:
                    errors.setdefault(key, []).append(
                        _("A substitute sits in for a member who is absent.")
                    )
                if row.status != AttendanceStatus.PRESENT:
                    errors.setdefault(key, []).append(_("A substitute is present."))
            elif row.person in people and row.person not in members:
                errors.setdefault(key, []).append(
                    _("Not a member of the committee on the meeting's day; is it a substitute?")
                )
        if errors:
            raise ValidationFailed(errors)
        wanted = {
            row.person: (row.status, row.substitute_for, (row.party_group or "").strip())
            for row in rows
        }
        current = {a.person_id: a for a in Attendance.objects.filter(meeting=locked)}
        stored = {pk: (a.status, a.substitute_for_id, a.party_group) for pk, a in current.items()}
        if stored == wanted:
            return list(current.values())
        before = {str(pk): list(value) for pk, value in sorted(stored.items())}
        Attendance.objects.filter(meeting=locked).exclude(person_id__in=wanted).delete()
        for person_id, (status, substitute_for, party_group) in wanted.items():
            if stored.get(person_id) == (status, substitute_for, party_group):
                continue
            Attendance.objects.update_or_create(
                meeting=locked,
                person_id=person_id,
                defaults={
                    "status": status,
                    "substitute_for_id": substitute_for,
                    "party_group": party_group,
                },
            )
        audit.record_change(
            actor=actor,
            instance=locked,
            before={"attendance": before},
            after={"attendance": {str(pk): list(v) for pk, v in sorted(wanted.items())}},
        )
        return list(Attendance.objects.filter(meeting=locked))


def record_disqualifications(
    *, actor, agenda_item: AgendaItem | int, people: dict[int, str]
) -> list[Disqualification]:
    """The members who declared themselves disqualified (inhabil) on an item and left:
    ``{person id: reason}``; replaces what was recorded."""
    pk = agenda_item.pk if isinstance(agenda_item, AgendaItem) else agenda_item
    found = AgendaItem.objects.filter(pk=pk).values_list("meeting_id", flat=True).first()
    if found is None:
        raise NotFound(_("The agenda item does not exist."))
    with transaction.atomic():
        meeting = _lock_meeting_for_secretary(actor, found)
        present = set(
            Attendance.objects.filter(meeting=meeting, status=AttendanceStatus.PRESENT).values_list(
                "person_id", flat=True
            )
        )
        from organisations.models import Membership

        members = set(
            Membership.objects.valid_on(meeting.date)
            .filter(committee_id=meeting.committee_id)
            .values_list("person_id", flat=True)
        )
        allowed = present or members
        unknown = [person for person in people if person not in allowed]
        if unknown:
            raise ValidationFailed(
                {"people": [_("Only a member at the meeting can be disqualified on its items.")]}
            )
        wanted = {person: (reason or "").strip()[:300] for person, reason in people.items()}
        current = {
            d.person_id: d.reason for d in Disqualification.objects.filter(agenda_item_id=pk)
        }
        if current == wanted:
            return list(Disqualification.objects.filter(agenda_item_id=pk))
        Disqualification.objects.filter(agenda_item_id=pk).delete()
        Disqualification.objects.bulk_create(
            [Disqualification(agenda_item_id=pk, person_id=p, reason=r) for p, r in wanted.items()]
        )
        item = AgendaItem.objects.get(pk=pk)
        audit.record_change(
            actor=actor,
            instance=item,
            before={"disqualified": {str(k): v for k, v in sorted(current.items())}},
            after={"disqualified": {str(k): v for k, v in sorted(wanted.items())}},
            organisation_id=meeting.committee.organisation_id,
        )
        return list(Disqualification.objects.filter(agenda_item_id=pk))
