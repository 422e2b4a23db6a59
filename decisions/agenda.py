"""Evidence taken on an agenda item from the meeting system: the item, its case number, and
the votes checked against who was present.

``record_decision`` and ``record_follow_up`` call ``resolve`` with the innovation locked.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from agenda import selectors as agenda_selectors
from agenda.models import KLE_CODE_VALIDATOR, AgendaItem
from core.errors import ValidationFailed
from innovations.models import Innovation
from organisations.models import Meeting

VOTE_FIELDS = ("votes_for", "votes_against", "votes_abstaining")


@dataclasses.dataclass(frozen=True)
class Listed:
    """What a record takes from its agenda item: the item, its text, the case number."""

    entry: AgendaItem | None
    agenda_item: str
    case_number: str
    kle_code: str
    votes_by_group: dict[str, dict[str, int]]


def resolve(
    *,
    meeting: Meeting,
    innovation: Innovation,
    agenda_entry: AgendaItem | int | None,
    agenda_item: str,
    case_number: str | None,
    kle_code: str | None,
    votes: dict[str, int | None] | None = None,
    votes_by_group: Any = None,
) -> Listed:
    """Called by the services in their transaction, after the permission checks (these
    read the agenda and the attendance, which a transaction reads from the primary)."""
    errors: dict[str, list[str]] = {}
    entry = resolve_entry(errors, meeting=meeting, innovation=innovation, agenda_entry=agenda_entry)
    case = case_fields(
        errors, entry=entry, innovation=innovation, case_number=case_number, kle_code=kle_code
    )
    text = agenda_item_text(agenda_item, entry)
    if not text:
        errors.setdefault("agenda_item", []).append(
            _("%(label)s is required.") % {"label": _("The agenda item")}
        )
    groups: dict[str, dict[str, int]] = {}
    if votes is not None:
        groups = check_votes(
            errors, meeting=meeting, entry=entry, votes=votes, votes_by_group=votes_by_group
        )
    if errors:
        raise ValidationFailed(errors)
    return Listed(
        entry=entry,
        agenda_item=text,
        case_number=case["case_number"],
        kle_code=case["kle_code"],
        votes_by_group=groups,
    )


GROUP_KEYS = {"for": "votes_for", "against": "votes_against", "abstaining": "votes_abstaining"}


def resolve_entry(
    errors: dict[str, list[str]],
    *,
    meeting: Meeting,
    innovation: Innovation,
    agenda_entry: AgendaItem | int | None,
) -> AgendaItem | None:
    """The agenda item the record is taken on: one of this meeting's, about this innovation
    (or about none yet)."""
    if agenda_entry is None or agenda_entry == "":
        return None
    pk = agenda_entry.pk if isinstance(agenda_entry, AgendaItem) else agenda_entry
    entry = AgendaItem.objects.filter(pk=pk, meeting_id=meeting.pk).first()
    if entry is None:
        errors.setdefault("agenda_entry", []).append(_("Choose an item of this meeting's agenda."))
        return None
    if entry.innovation_id is not None and entry.innovation_id != innovation.pk:
        errors.setdefault("agenda_entry", []).append(
            _("Agenda item %(number)s concerns another innovation.") % {"number": entry.number}
        )
        return None
    return entry


def case_fields(
    errors: dict[str, list[str]],
    *,
    entry: AgendaItem | None,
    innovation: Innovation,
    case_number: str | None,
    kle_code: str | None,
) -> dict[str, str]:
    """The case number and KLE code of the record: as given, else the agenda item's, else
    the innovation's."""
    case_number = (case_number or "").strip()
    kle_code = (kle_code or "").strip()
    if not case_number:
        case_number = (entry.case_number if entry else "") or innovation.case_number
    if not kle_code:
        kle_code = (entry.kle_code if entry else "") or innovation.kle_code
    if len(case_number) > 100:
        errors.setdefault("case_number", []).append(_("At most 100 characters."))
    if kle_code:
        try:
            KLE_CODE_VALIDATOR(kle_code)
        except ValidationError as exc:
            errors.setdefault("kle_code", []).extend(exc.messages)
    return {"case_number": case_number, "kle_code": kle_code}


def agenda_item_text(agenda_item: str | None, entry: AgendaItem | None) -> str:
    """The free-text agenda item, taken from the chosen item when none is typed."""
    text = (agenda_item or "").strip()
    if not text and entry is not None:
        text = f"{entry.number}. {entry.title}"[:200]
    return text


def check_votes(
    errors: dict[str, list[str]],
    *,
    meeting: Meeting,
    entry: AgendaItem | None,
    votes: dict[str, int | None],
    votes_by_group: Any,
) -> dict[str, dict[str, int]]:
    """Votes per party group add up to the totals (which they fill in ``votes`` when none
    are given); when attendance is recorded, the votes cast are at most those present and
    not disqualified on the item."""
    groups = _clean_groups(errors, votes_by_group)
    if groups:
        totals = dict.fromkeys(VOTE_FIELDS, 0)
        for counts in groups.values():
            for key, value in counts.items():
                totals[GROUP_KEYS[key]] += value
        if all(votes.get(field) is None for field in VOTE_FIELDS):
            votes.update(totals)
        elif any(votes.get(field) != totals[field] for field in VOTE_FIELDS):
            errors.setdefault("votes_by_group", []).append(
                _("The votes per party group do not add up to the votes recorded.")
            )
    cast = sum(value or 0 for value in votes.values())
    voters = agenda_selectors.voters(meeting, entry)
    if voters is not None and cast > voters.eligible:
        errors.setdefault("votes_for", []).append(
            _(
                "%(cast)s votes are recorded, but only %(eligible)s members could vote "
                "(%(present)s present, %(disqualified)s disqualified on the item)."
            )
            % {
                "cast": cast,
                "eligible": voters.eligible,
                "present": voters.present,
                "disqualified": voters.disqualified,
            }
        )
    return groups


def _clean_groups(errors: dict[str, list[str]], votes_by_group: Any) -> dict[str, dict[str, int]]:
    if not votes_by_group:
        return {}
    shape = _('Give the votes per party group as {"A": {"for": 3, "against": 0, "abstaining": 0}}.')
    if not isinstance(votes_by_group, dict):
        errors.setdefault("votes_by_group", []).append(shape)
        return {}
    groups: dict[str, dict[str, int]] = {}
    for group, counts in votes_by_group.items():
        name = str(group).strip()[:100]
        if not name or not isinstance(counts, dict) or set(counts) - set(GROUP_KEYS):
            errors.setdefault("votes_by_group", []).append(shape)
            return {}
        for value in counts.values():
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
                errors.setdefault("votes_by_group", []).append(
                    _("Enter a number between 0 and 1000.")
                )
                return {}
        groups[name] = {key: counts.get(key, 0) for key in GROUP_KEYS}
    return groups
