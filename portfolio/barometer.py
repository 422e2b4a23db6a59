"""An organisation's own Innovation Barometer, beside the published national figures.

The national Innovation Barometer asks public workplaces about their latest innovation:
is it reuse of others' solutions, made in collaboration and with whom, initiated or promoted
by politicians, what types it has, what values it created. Spor answers the same questions
from an organisation's own decision trail, so a council can see where it stands.

The innovations counted for a period are those of the organisation that existed in it:
raised on or before its last day, and not finished (completed or stopped) before its first.
Each figure says what it counts and out of how many:

- reused: reuses another organisation's shared innovation (``reused_from`` is set);
- collaboration: made with others outside the organisation (any collaborator but staff),
  and with whom: citizens, companies, research, volunteers, other public bodies, and staff;
- political: initiated or promoted by politicians (the national question), split into
  *initiated*: the need was raised by a politician or a committee (``raised_by``, which a
  member proposal sets), and *promoted*: an approved mandate decision exists;
- evaluated: at least one evaluation is submitted; shared: it is in the catalogue;
- innovation types, and the share combining several;
- values achieved: of the evaluated innovations, those whose latest evaluation records the
  value as improved.

The national figures ship with Spor as data (``data/innovation_barometer.json``), each with
the edition it comes from.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import PermissionDenied, ValidationFailed
from decisions.mandate import InvolvedGroup, InvolvementActivity
from decisions.models import Decision
from innovations import csv_export
from innovations.catalogue import _json_list_has
from innovations.models import (
    FINAL_STATES,
    POLITICAL_INITIATIVE,
    Collaborator,
    Evaluation,
    Innovation,
    InnovationType,
    Value,
)
from organisations.models import Organisation

NATIONAL_DATA = Path(__file__).resolve().parent / "data" / "innovation_barometer.json"
# Collaborators outside the organisation; staff take part in nearly every innovation.
# Collaboration: an innovation made with others outside the organisation, as its
# collaborators say or as its involvement log shows (an activity in which citizens,
# companies, researchers or other municipalities took part).
EXTERNAL_COLLABORATORS = [c.value for c in Collaborator if c != Collaborator.STAFF]
EXTERNAL_GROUPS = [
    InvolvedGroup.CITIZENS.value,
    InvolvedGroup.COMPANIES.value,
    InvolvedGroup.RESEARCHERS.value,
    InvolvedGroup.OTHER_MUNICIPALITIES.value,
]


@cache
def national_figures() -> dict[str, Any]:
    """The published national figures and their editions, as shipped in the data file."""
    with NATIONAL_DATA.open(encoding="utf-8") as handle:
        return json.load(handle)


@dataclasses.dataclass(frozen=True)
class Figure:
    group: str  # headline, collaboration, types, values
    key: str
    label: str
    count: int
    denominator: int
    national_share: int | None = None
    national_edition: str = ""

    @property
    def share(self) -> float | None:
        """Percent, one decimal; None when there is nothing to divide by."""
        if not self.denominator:
            return None
        return round(100 * self.count / self.denominator, 1)

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["share"] = self.share
        return data


@dataclasses.dataclass(frozen=True)
class Barometer:
    organisation: Organisation | None  # None: the national view across organisations
    start: datetime.date
    end: datetime.date
    total: int
    evaluated: int
    figures: list[Figure]
    per_organisation: list[dict[str, Any]] = dataclasses.field(default_factory=list)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def editions(self) -> list[dict[str, Any]]:
        """The editions cited by the figures shown, for the citation under the report."""
        data = national_figures()
        used = sorted({f.national_edition for f in self.figures if f.national_edition})
        return [{"edition": key, **data["editions"][key]} for key in used]

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisation": (
                {
                    "id": self.organisation.pk,
                    "code": self.organisation.code,
                    "name": self.organisation.name,
                }
                if self.organisation
                else None
            ),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "total": self.total,
            "evaluated": self.evaluated,
            "figures": [f.as_dict() for f in self.figures],
            "national_source": national_figures()["source"],
            "editions": self.editions(),
            "per_organisation": self.per_organisation,
        }


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The calendar year so far."""
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), today


def parse_period(start: Any, end: Any) -> tuple[datetime.date, datetime.date]:
    """Read a period from strings (YYYY-MM-DD) or dates; missing ends default to this year."""
    default_start, default_end = default_period()
    errors: dict[str, list[str]] = {}

    def read(name: str, value: Any, default: datetime.date) -> datetime.date:
        if value in (None, ""):
            return default
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
            return default

    first = read("start", start, default_start)
    last = read("end", end, default_end)
    if not errors and first > last:
        errors["end"] = [_("The period must end on or after its first day.")]
    if errors:
        raise ValidationFailed(errors)
    return first, last


def innovations_in_period(start: datetime.date, end: datetime.date) -> QuerySet[Innovation]:
    return Innovation.objects.filter(created_at__date__lte=end).exclude(
        state__in=FINAL_STATES, state_entered_at__date__lt=start
    )


def _annotated(queryset: QuerySet[Innovation]) -> QuerySet[Innovation]:
    return queryset.order_by().annotate(
        has_mandate=Exists(
            Decision.objects.approved().filter(innovation=OuterRef("pk"), transition="mandate")
        ),
        has_evaluation=Exists(Evaluation.objects.filter(innovation=OuterRef("pk"))),
        involved_outsiders=Exists(
            InvolvementActivity.objects.filter(
                innovation=OuterRef("pk"), participants__has_any_keys=EXTERNAL_GROUPS
            )
        ),
    )


def _counts() -> dict[str, Count]:
    external = Q(involved_outsiders=True)
    for collaborator in EXTERNAL_COLLABORATORS:
        external |= _json_list_has("collaborators", collaborator)
    several = Q()
    types = list(InnovationType.values)
    for i, first in enumerate(types):
        for second in types[i + 1 :]:
            several |= _json_list_has("innovation_types", first) & _json_list_has(
                "innovation_types", second
            )
    initiated = Q(raised_by__in=POLITICAL_INITIATIVE)
    counts = {
        "total": Count("id"),
        "reused": Count("id", filter=Q(reused_from__isnull=False)),
        "collaboration": Count("id", filter=external),
        "political": Count("id", filter=Q(has_mandate=True) | initiated),
        "initiated": Count("id", filter=initiated),
        "promoted": Count("id", filter=Q(has_mandate=True)),
        "evaluated": Count("id", filter=Q(has_evaluation=True)),
        "shared": Count("id", filter=Q(shared=True)),
        "type_several": Count("id", filter=several),
    }
    for collaborator in Collaborator.values:
        counts[f"with_{collaborator}"] = Count(
            "id", filter=_json_list_has("collaborators", collaborator)
        )
    for kind in InnovationType.values:
        counts[f"type_{kind}"] = Count("id", filter=_json_list_has("innovation_types", kind))
    return counts


def _values_achieved(queryset: QuerySet[Innovation]) -> dict[str, int]:
    """Per value, the innovations whose latest evaluation records it as improved."""
    latest: dict[int, dict] = {}
    rows = (
        Evaluation.objects.filter(innovation__in=queryset.values("pk"))
        .order_by("innovation_id", "submitted_at", "id")
        .values_list("innovation_id", "effects")
    )
    for innovation_id, effects in rows:
        latest[innovation_id] = effects or {}
    achieved = dict.fromkeys(Value.values, 0)
    for effects in latest.values():
        for value in Value.values:
            effect = effects.get(value)
            if isinstance(effect, dict) and effect.get("effect") == "improved":
                achieved[value] += 1
    return achieved


def _figures(counts: dict[str, int], achieved: dict[str, int]) -> list[Figure]:
    national = national_figures()["figures"]
    total = counts["total"]

    def figure(group: str, key: str, label: str, count: int, denominator: int) -> Figure:
        published = national.get(key) or {}
        return Figure(
            group=group,
            key=key,
            label=str(label),
            count=count,
            denominator=denominator,
            national_share=published.get("share"),
            national_edition=published.get("edition", ""),
        )

    figures = [
        figure("headline", "reused", _("Reuse others' solutions"), counts["reused"], total),
        figure(
            "headline",
            "collaboration",
            _("Made in collaboration with others"),
            counts["collaboration"],
            total,
        ),
        figure(
            "headline",
            "political",
            _("Initiated or promoted politically"),
            counts["political"],
            total,
        ),
        figure(
            "headline",
            "initiated",
            _("Initiated by politicians (the need raised by a politician or a committee)"),
            counts["initiated"],
            total,
        ),
        figure(
            "headline",
            "promoted",
            _("Promoted by politicians (a mandate decision)"),
            counts["promoted"],
            total,
        ),
        figure("headline", "evaluated", _("Evaluated"), counts["evaluated"], total),
        figure("headline", "shared", _("Shared with others"), counts["shared"], total),
    ]
    for collaborator in Collaborator:
        figures.append(
            figure(
                "collaboration",
                f"with_{collaborator.value}",
                collaborator.label,
                counts[f"with_{collaborator.value}"],
                total,
            )
        )
    for kind in InnovationType:
        figures.append(
            figure("types", f"type_{kind.value}", kind.label, counts[f"type_{kind.value}"], total)
        )
    figures.append(
        figure("types", "type_several", _("Several types"), counts["type_several"], total)
    )
    for value in Value:
        figures.append(
            figure(
                "values",
                f"value_{value.value}",
                value.label,
                achieved[value.value],
                counts["evaluated"],
            )
        )
    return figures


def organisation_barometer(
    user, *, organisation: Organisation | int, start: datetime.date, end: datetime.date
) -> Barometer:
    """The barometer of one organisation; its people (and superusers) may read it."""
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    if not (user and user.is_authenticated) or not (
        user.is_superuser or user.organisation_id == organisation_id
    ):
        raise PermissionDenied(_("You may only see your own organisation's barometer."))
    if isinstance(organisation, int):
        organisation = Organisation.objects.get(pk=organisation_id)
    queryset = innovations_in_period(start, end).filter(organisation_id=organisation_id)
    counts = _annotated(queryset).aggregate(**_counts())
    return Barometer(
        organisation=organisation,
        start=start,
        end=end,
        total=counts["total"],
        evaluated=counts["evaluated"],
        figures=_figures(counts, _values_achieved(queryset)),
    )


def national_barometer(user, *, start: datetime.date, end: datetime.date) -> Barometer:
    """Across every organisation, with one row per organisation: for superusers only."""
    if not (user and user.is_authenticated and user.is_superuser):
        raise PermissionDenied(_("Only a superuser sees the barometer across organisations."))
    queryset = innovations_in_period(start, end)
    counts = _annotated(queryset).aggregate(**_counts())
    headline = ("reused", "collaboration", "political", "evaluated", "shared")
    rows = (
        _annotated(queryset)
        .values("organisation_id", "organisation__code", "organisation__name")
        .annotate(**{key: _counts()[key] for key in ("total", *headline)})
        .order_by("organisation__name")
    )
    per_organisation = [
        {
            "organisation": {
                "id": row["organisation_id"],
                "code": row["organisation__code"],
                "name": row["organisation__name"],
            },
            "total": row["total"],
            **{
                key: {
                    "count": row[key],
                    "share": round(100 * row[key] / row["total"], 1) if row["total"] else None,
                }
                for key in headline
            },
        }
        for row in rows
    ]
    return Barometer(
        organisation=None,
        start=start,
        end=end,
        total=counts["total"],
        evaluated=counts["evaluated"],
        figures=_figures(counts, _values_achieved(queryset)),
        per_organisation=per_organisation,
    )


def barometer_csv(barometer: Barometer, fmt: str = csv_export.EXCEL) -> str:
    """The report as CSV: one line per figure, with the national figure and its edition.

    ``fmt`` is ``csv_export.EXCEL`` (Danish Excel) or ``csv_export.RFC4180`` (for machines).
    """
    writer = csv_export.Writer(fmt)
    excel = writer.excel
    with translation.override("da") if excel else contextlib.nullcontext():
        who = barometer.organisation.name if barometer.organisation else _("All organisations")
        lines = [
            writer.row([_("Innovation Barometer"), who, barometer.start, barometer.end]),
            writer.row(
                [
                    _("group"),
                    _("figure"),
                    _("key"),
                    _("count"),
                    _("out of"),
                    _("share (%)"),
                    _("national share (%)"),
                    _("edition"),
                ]
                if excel
                else [
                    "group",
                    "figure",
                    "key",
                    "count",
                    "out_of",
                    "share",
                    "national_share",
                    "edition",
                ]
            ),
        ]
        editions = national_figures()["editions"]
        for f in barometer.figures:
            edition = editions.get(f.national_edition, {}).get("name", "")
            lines.append(
                writer.row(
                    [
                        f.group,
                        f.label,
                        f.key,
                        f.count,
                        f.denominator,
                        f.share,
                        f.national_share,
                        edition,
                    ]
                )
            )
        if barometer.per_organisation:
            headline = ("reused", "collaboration", "political", "evaluated", "shared")
            lines.append(writer.row([]))
            lines.append(
                writer.row(
                    [_("organisation"), _("code"), _("innovations")]
                    + [f"{key} (%)" for key in headline]
                    if excel
                    else ["organisation", "code", "innovations", *headline]
                )
            )
            for row in barometer.per_organisation:
                lines.append(
                    writer.row(
                        [row["organisation"]["name"], row["organisation"]["code"], row["total"]]
                        + [row[key]["share"] for key in headline]
                    )
                )
    return (csv_export.BOM if excel else "") + "".join(lines)
