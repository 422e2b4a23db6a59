"""Published agendas read into ``MeetingIn``: Open Civic Data / Popolo events, and a CSV.

Parsing only: nothing here writes. Bad input raises ``ValidationFailed`` naming the event,
item or line, and the import then writes nothing at all (``services.push_meetings`` runs in
one transaction).

Open Civic Data events (``{"_type": "event", ...}``; a list of them, or ``{"events": [...]}``
as a Popolo export holds them) map so:

| Spor | event |
|---|---|
| external id | ``id`` (e.g. ``ocd-event/...``) |
| committee | ``extras.committee`` (Spor's id or name), else the ``participants`` organisation noted ``host`` (else the first organisation), else ``organization_id``/``organization.name``, by name in the importer's organisation |
| date, start time | ``start_date`` (``2026-03-04`` or ``2026-03-04T16:00:00+01:00``, read in Copenhagen time) |
| location | ``location.name`` (or ``location`` as text) |
| minutes | ``extras.minutes_url`` |
| items | ``agenda``: ``order`` the number, ``description`` the title, ``id`` or ``extras.external_id``, ``extras.case_number``, ``extras.kle_code``, ``extras.closed`` (or ``closed``/``lukket`` among ``classification``), ``extras.innovation`` (Spor's id) |

The CSV (UTF-8, with or without BOM, ``;`` or ``,`` between cells) has one row per agenda
item and the header ``meeting_id, committee, date, start_time, location, item_id, number,
title, case_number, kle_code, closed, innovation``; the meeting's cells repeat on each of its
rows. ``closed`` is ``ja``/``yes``/``true``/``1``/``x`` or empty.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from organisations.models import Committee

from .services import ItemIn, MeetingIn

OCD = "ocd"
CSV = "csv"
FORMATS = (OCD, CSV)
MAX_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = (
    "meeting_id",
    "committee",
    "date",
    "start_time",
    "location",
    "item_id",
    "number",
    "title",
    "case_number",
    "kle_code",
    "closed",
    "innovation",
)
TRUE = {"ja", "yes", "true", "1", "x", "sand", "lukket", "closed"}
FALSE = {"", "nej", "no", "false", "0", "falsk", "åben", "open"}

# A committee given as Spor's id or by name -> its id; raises ValidationFailed when unknown.
CommitteeLookup = Callable[[Any, str], int]


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ValidationFailed({"file": [_("The file is larger than 2 MB.")]})
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed({"file": [_("The file is not UTF-8 text.")]}) from exc


def parse(text: str, fmt: str, committee: CommitteeLookup) -> list[MeetingIn]:
    if fmt == OCD:
        return parse_ocd(text, committee)
    if fmt == CSV:
        return parse_csv(text, committee)
    raise ValidationFailed({"format": [_("Choose Open Civic Data JSON or CSV.")]})


def guess_format(name: str, text: str) -> str:
    return OCD if name.lower().endswith(".json") or text.lstrip().startswith(("{", "[")) else CSV


# --- Open Civic Data / Popolo -----------------------------------------------------------------


def _local(value: str, where: str) -> tuple[datetime.date, datetime.time | None]:
    value = (value or "").strip()
    try:
        if len(value) == 10:
            return datetime.date.fromisoformat(value), None
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationFailed(
            {where: [_("“%(value)s” is not a date (YYYY-MM-DD or ISO 8601).") % {"value": value}]}
        ) from exc
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    time = moment.time().replace(second=0, microsecond=0)
    return moment.date(), (None if time == datetime.time(0, 0) else time)


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValidationFailed({where: [_("“%(value)s” is neither yes nor no.") % {"value": value}]})


def _int_or_none(value: Any, where: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError as exc:
        raise ValidationFailed({where: [_("Give Spor's id as a number.")]}) from exc
    if number < 1:
        raise ValidationFailed({where: [_("Give Spor's id as a number.")]})
    return number


def _events(document: Any) -> list[dict]:
    if isinstance(document, dict) and isinstance(document.get("events"), list):
        return document["events"]
    if isinstance(document, dict):
        return [document]
    if isinstance(document, list):
        return document
    raise ValidationFailed(
        {"file": [_('Expected an event, a list of events or {"events": [...]}.')]}
    )


def _host(event: dict) -> Any:
    extras = event.get("extras") or {}
    if extras.get("committee") not in (None, ""):
        return extras["committee"]
    organisations = [
        p
        for p in event.get("participants") or []
        if isinstance(p, dict) and p.get("entity_type", "organization") == "organization"
    ]
    hosts = [p for p in organisations if (p.get("note") or "").lower() in ("host", "vært")]
    chosen = (hosts or organisations or [None])[0]
    if chosen is not None:
        return chosen.get("name") or chosen.get("entity_name") or ""
    if event.get("organization_id") not in (None, ""):
        return event["organization_id"]
    organization = event.get("organization")
    if isinstance(organization, dict):
        return organization.get("name", "")
    return organization or ""


def parse_ocd(text: str, committee: CommitteeLookup) -> list[MeetingIn]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            {
                "file": [
                    _("Not valid JSON: %(error)s (line %(line)s).")
                    % {"error": exc.msg, "line": exc.lineno}
                ]
            }
        ) from exc
    meetings = []
    for index, event in enumerate(_events(document)):
        where = f"events[{index}]"
        if not isinstance(event, dict):
            raise ValidationFailed({where: [_("An event is a JSON object.")]})
        external_id = str(event.get("id") or (event.get("extras") or {}).get("external_id") or "")
        if not external_id.strip():
            raise ValidationFailed({f"{where}.id": [_("The event has no id.")]})
        day, time = _local(str(event.get("start_date") or ""), f"{where}.start_date")
        location = event.get("location") or ""
        if isinstance(location, dict):
            location = location.get("name") or ""
        extras = event.get("extras") or {}
        items = []
        for position, entry in enumerate(event.get("agenda") or []):
            item_where = f"{where}.agenda[{position}]"
            if not isinstance(entry, dict):
                raise ValidationFailed({item_where: [_("An agenda item is a JSON object.")]})
            item_extras = entry.get("extras") or {}
            classification = [str(c).lower() for c in entry.get("classification") or []]
            closed = item_extras.get("closed")
            items.append(
                ItemIn(
                    number=str(entry.get("order") or position + 1),
                    title=str(entry.get("description") or ""),
                    external_id=str(entry.get("id") or item_extras.get("external_id") or ""),
                    case_number=str(item_extras.get("case_number") or ""),
                    kle_code=str(item_extras.get("kle_code") or ""),
                    closed=_bool(closed, f"{item_where}.extras.closed")
                    if closed is not None
                    else bool({"closed", "lukket"} & set(classification)),
                    innovation=_int_or_none(
                        item_extras.get("innovation"), f"{item_where}.extras.innovation"
                    ),
                )
            )
        meetings.append(
            MeetingIn(
                external_id=external_id.strip(),
                committee=committee(_host(event), f"{where}.participants"),
                date=day,
                start_time=time,
                location=str(location),
                minutes_url=str(extras.get("minutes_url") or ""),
                items=tuple(items),
            )
        )
    return meetings


# --- CSV --------------------------------------------------------------------------------------


def parse_csv(text: str, committee: CommitteeLookup) -> list[MeetingIn]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [c for c in ("meeting_id", "committee", "date", "number", "title") if c not in header]
    if missing:
        raise ValidationFailed(
            {
                "file": [
                    _("The CSV lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
                ]
            }
        )
    reader.fieldnames = header
    meetings: dict[str, dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        where = _("line %(line)s") % {"line": line}
        cells = {key: (value or "").strip() for key, value in row.items() if key}
        if not any(cells.values()):
            continue
        external_id = cells.get("meeting_id", "")
        if not external_id:
            raise ValidationFailed({where: [_("The meeting_id is empty.")]})
        try:
            day = datetime.date.fromisoformat(cells.get("date", ""))
        except ValueError as exc:
            raise ValidationFailed(
                {
                    where: [
                        _("“%(value)s” is not a date (YYYY-MM-DD).")
                        % {"value": cells.get("date", "")}
                    ]
                }
            ) from exc
        time = None
        if cells.get("start_time"):
            try:
                time = datetime.time.fromisoformat(cells["start_time"])
            except ValueError as exc:
                raise ValidationFailed(
                    {
                        where: [
                            _("“%(value)s” is not a time (HH:MM).") % {"value": cells["start_time"]}
                        ]
                    }
                ) from exc
        meeting = meetings.setdefault(
            external_id,
            {
                "committee": committee(cells.get("committee", ""), where),
                "date": day,
                "start_time": time,
                "location": cells.get("location", ""),
                "items": [],
            },
        )
        if meeting["date"] != day:
            raise ValidationFailed(
                {where: [_("Meeting %(id)s has two dates.") % {"id": external_id}]}
            )
        meeting["items"].append(
            ItemIn(
                number=cells.get("number", ""),
                title=cells.get("title", ""),
                external_id=cells.get("item_id", ""),
                case_number=cells.get("case_number", ""),
                kle_code=cells.get("kle_code", ""),
                closed=_bool(cells.get("closed", ""), where),
                innovation=_int_or_none(cells.get("innovation"), where),
            )
        )
    if not meetings:
        raise ValidationFailed({"file": [_("The CSV has no rows.")]})
    return [
        MeetingIn(
            external_id=external_id,
            committee=values["committee"],
            date=values["date"],
            start_time=values["start_time"],
            location=values["location"],
            items=tuple(values["items"]),
        )
        for external_id, values in meetings.items()
    ]


def committee_lookup(organisation_id: int | None) -> CommitteeLookup:
    """Committees of one organisation, by Spor's id or by name (case-insensitive)."""
    committees = list(
        Committee.objects.filter(organisation_id=organisation_id).values("pk", "name")
    )
    by_name = {c["name"].casefold(): c["pk"] for c in committees}
    ids = {c["pk"] for c in committees}

    def lookup(value: Any, where: str) -> int:
        text = str(value if value is not None else "").strip()
        if text.isdigit() and int(text) in ids:
            return int(text)
        found = by_name.get(text.casefold())
        if found is None:
            raise ValidationFailed(
                {where: [_("No committee “%(name)s” in your organisation.") % {"name": text}]}
            )
        return found

    return lookup
