"""Reads of the mandate card and what is held against it, with constant query counts."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from innovations.models import Innovation

from .mandate import (
    CARD_FIELDS,
    IndicatorReading,
    IndicatorResult,
    InvolvedGroup,
    InvolvementActivity,
    InvolvementForm,
    MandateCard,
    MandateEvaluation,
    MandateIndicator,
    ValueDirectionCheck,
)
from .models import FollowUp


def card_versions(innovation: Innovation | int) -> list[MandateCard]:
    """Every version of the innovation's mandate card, oldest first (two queries)."""
    pk = innovation if isinstance(innovation, int) else innovation.pk
    return list(
        MandateCard.objects.filter(innovation_id=pk)
        .select_related("decision__meeting__committee")
        .prefetch_related("indicators")
        .order_by("version")
    )


def number(value: Decimal | None) -> str:
    """A decimal as people write it: no trailing zeros, in the active language's format."""
    if value is None:
        return "–"
    normal = value.normalize()
    places = max(0, -normal.as_tuple().exponent)  # type: ignore[operator]
    return formats.number_format(normal, decimal_pos=places, use_l10n=True, force_grouping=True)


def amount(value: Decimal) -> str:
    """An amount of kroner: whole kroner without decimals, else with two (1.250.000,50)."""
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def indicator_text(indicator: MandateIndicator) -> str:
    return _("%(name)s: from %(baseline)s %(unit)s (%(date)s) to %(target)s %(unit)s") % {
        "name": indicator.name,
        "baseline": number(indicator.baseline),
        "date": formats.date_format(indicator.baseline_date, "SHORT_DATE_FORMAT"),
        "target": number(indicator.target),
        "unit": indicator.unit,
    }


def _part_text(
    card: MandateCard, part: str, indicators: list[MandateIndicator] | None = None
) -> list[str]:
    """One part of a card as lines of text, as the minutes read it (``indicators``: those of
    a card not yet recorded, for the preview)."""
    if part == "budget":
        return [f"{amount(card.budget)} kr." if card.budget is not None else "–"]
    if part == "deadline":
        return [formats.date_format(card.deadline, "SHORT_DATE_FORMAT") if card.deadline else "–"]
    if part == "indicators":
        shown = indicators if indicators is not None else list(card.indicators.all())
        lines = [f"{indicator_text(i)}. {_('Measured')}: {i.measurement}" for i in shown]
        return lines or ["–"]
    if part == "involve":
        return [", ".join(card.involve_labels()) or "–"]
    if part == "follow_up_months":
        months = card.follow_up_months
        return [_("every %(n)s months") % {"n": months} if months else "–"]
    return [str(getattr(card, part) or "–")]


def part_label(part: str) -> str:
    if part == "indicators":
        return str(_("Indicators"))
    field = MandateCard._meta.get_field(part)
    return str(capfirst(getattr(field, "verbose_name", part)))


@dataclasses.dataclass
class VersionCell:
    lines: list[str]
    changed: bool


@dataclasses.dataclass
class VersionRow:
    part: str
    label: str
    cells: list[VersionCell]


def version_table(cards: list[MandateCard]) -> list[VersionRow]:
    """The versions side by side: one row per part, one cell per version, marked where a
    version changed the part."""
    rows = []
    for part in CARD_FIELDS:
        rows.append(
            VersionRow(
                part=part,
                label=part_label(part),
                cells=[
                    VersionCell(
                        lines=_part_text(card, part),
                        changed=card.version > 1 and part in card.changed_fields,
                    )
                    for card in cards
                ],
            )
        )
    return rows


@dataclasses.dataclass
class CardPart:
    part: str
    label: str
    lines: list[str]
    changed: bool = False


def card_parts(
    card: MandateCard,
    indicators: list[MandateIndicator] | None = None,
    changed: list[str] | None = None,
) -> list[CardPart]:
    """A card's parts in reading order, as the minutes read them."""
    changed = card.changed_fields if changed is None else changed
    return [
        CardPart(part, part_label(part), _part_text(card, part, indicators), part in changed)
        for part in CARD_FIELDS
    ]


def involvement_log(innovation: Innovation | int) -> list[InvolvementActivity]:
    pk = innovation if isinstance(innovation, int) else innovation.pk
    return list(
        InvolvementActivity.objects.filter(innovation_id=pk)
        .select_related("recorded_by")
        .order_by("-date", "-id")
    )


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """An involvement summary (``involvement_summary``) as short lines of text."""
    if not summary or not summary.get("activities"):
        return [_("No involvement activities were logged in the period.")]
    groups = dict(InvolvedGroup.choices)
    forms_ = dict(InvolvementForm.choices)
    lines = [
        _("%(n)s activities: %(forms)s")
        % {
            "n": summary["activities"],
            "forms": ", ".join(
                f"{forms_.get(k, k)} {v}" for k, v in sorted(summary.get("forms", {}).items())
            ),
        }
    ]
    participants = summary.get("participants", {})
    if participants:
        lines.append(
            _("Took part: %(groups)s")
            % {
                "groups": ", ".join(
                    f"{groups.get(g, g)} {participants[g]}"
                    for g in InvolvedGroup.values
                    if g in participants
                )
            }
        )
    return lines


@dataclasses.dataclass
class FollowUpAgainstCard:
    follow_up: FollowUp
    check: ValueDirectionCheck
    readings: list[IndicatorReading]
    involvement: list[str]


def follow_ups_against_card(innovation: Innovation | int) -> list[FollowUpAgainstCard]:
    """The follow-ups that answered on the value direction, newest first, with their readings."""
    pk = innovation if isinstance(innovation, int) else innovation.pk
    checks = (
        ValueDirectionCheck.objects.filter(follow_up__innovation_id=pk)
        .select_related("follow_up__meeting__committee")
        .prefetch_related(
            Prefetch(
                "follow_up__indicator_readings",
                queryset=IndicatorReading.objects.select_related("indicator"),
            )
        )
        .order_by("-follow_up__meeting__date", "-follow_up__recorded_at")
    )
    return [
        FollowUpAgainstCard(
            follow_up=check.follow_up,
            check=check,
            readings=list(check.follow_up.indicator_readings.all()),
            involvement=summary_lines(check.involvement),
        )
        for check in checks
    ]


def _evaluations_with_results():
    return MandateEvaluation.objects.select_related("card", "evaluation").prefetch_related(
        Prefetch(
            "results",
            queryset=IndicatorResult.objects.select_related("indicator").order_by(
                "indicator__position"
            ),
        )
    )


def latest_mandate_evaluation(innovation: Innovation | int) -> MandateEvaluation | None:
    pk = innovation if isinstance(innovation, int) else innovation.pk
    return (
        _evaluations_with_results()
        .filter(evaluation__innovation_id=pk)
        .order_by("-evaluation__submitted_at", "-id")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class IndicatorOutcome:
    """An indicator's line in the result against the mandate: what may be shown to anyone
    who may see the innovation, and in the catalogue when it is shared."""

    name: str
    unit: str
    baseline: str
    target: str
    measured: str
    reached: bool


@dataclasses.dataclass(frozen=True)
class MandateResult:
    verdict: str
    verdict_label: str
    met: bool
    indicators: tuple[IndicatorOutcome, ...]


def result_of(against: MandateEvaluation) -> MandateResult:
    return MandateResult(
        verdict=against.verdict,
        verdict_label=str(against.get_verdict_display()),
        met=against.met,
        indicators=tuple(
            IndicatorOutcome(
                name=r.indicator.name,
                unit=r.indicator.unit,
                baseline=number(r.indicator.baseline),
                target=number(r.indicator.target),
                measured=number(r.measured),
                reached=r.reached,
            )
            for r in against.results.all()
        ),
    )


def results_by_evaluation(evaluation_ids: list[int]) -> dict[int, MandateResult]:
    """Each evaluation's result against the card it was held against (three queries)."""
    return {
        against.evaluation_id: result_of(against)
        for against in _evaluations_with_results().filter(evaluation_id__in=evaluation_ids)
    }


def mandate_results(innovation_ids: list[int] | QuerySet) -> dict[int, MandateResult]:
    """The latest evaluation against the card of each innovation (three queries in all)."""
    latest: dict[int, MandateEvaluation] = {}
    for against in (
        _evaluations_with_results()
        .filter(evaluation__innovation_id__in=innovation_ids)
        .order_by("evaluation__submitted_at", "id")
    ):
        latest[against.evaluation.innovation_id] = against
    return {pk: result_of(against) for pk, against in latest.items()}


@dataclasses.dataclass(frozen=True)
class MandateShare:
    evaluated: int
    met: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.evaluated) if self.evaluated else None


def share_that_met_their_mandate(innovations) -> MandateShare:
    """Of ``innovations`` (a queryset) evaluated against a mandate card, how many met it
    (their latest evaluation: the value direction realised, every target reached)."""
    # a subquery, not a list of every id: the portfolio of a large organisation has thousands
    results = mandate_results(innovations.values("pk"))
    return MandateShare(evaluated=len(results), met=sum(1 for r in results.values() if r.met))


def mandate_overview(innovation: Innovation) -> dict[str, Any]:
    """What the innovation page shows of the mandate (a constant number of queries)."""
    card = (
        MandateCard.objects.filter(innovation_id=innovation.pk)
        .prefetch_related("indicators")
        .order_by("-version")
        .first()
    )
    against = latest_mandate_evaluation(innovation)
    return {
        "mandate_card": card,
        "mandate_parts": card_parts(card, changed=[]) if card else [],
        "mandate_result": result_of(against) if against else None,
        "involvement_count": InvolvementActivity.objects.filter(
            innovation_id=innovation.pk
        ).count(),
    }
