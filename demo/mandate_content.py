"""The demo's mandate cards and what is held against them: texts and the figures they use.

``demo.seed`` calls these while it builds each history, acting through the services
as the people who would act: the secretary records the card with the mandate (and one
amendment), the owning official keeps the involvement log, the secretary records the
follow-ups' readings, the official evaluates against the card.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

# Per intended value: an indicator (name, unit, baseline, target, how it is measured).
INDICATORS: dict[str, tuple[str, str, str, str, str]] = {
    "quality": (
        "Forløb uden uplanlagte hændelser",
        "%",
        "64",
        "75",
        "Kvartalsvis udtræk fra fagsystemet over de deltagende borgeres forløb.",
    ),
    "efficiency": (
        "Medarbejdertimer pr. borger pr. uge",
        "timer",
        "3.2",
        "2.6",
        "Planlægningssystemets månedlige gennemsnit for de deltagende teams.",
    ),
    "citizen_satisfaction": (
        "Borgertilfredshed",
        "point (1-5)",
        "3.6",
        "4.2",
        "Kort spørgeskema til de deltagende borgere hvert halve år.",
    ),
    "employee_satisfaction": (
        "Medarbejdertilfredshed",
        "point (1-5)",
        "3.4",
        "4",
        "Pulsmåling i de deltagende teams hvert kvartal.",
    ),
    "democracy": (
        "Borgere der har deltaget i inddragelsen",
        "antal",
        "0",
        "150",
        "Tilmeldinger og deltagerlister fra møder og platform.",
    ),
    "political_goals": (
        "Opfyldelse af strategiens delmål",
        "%",
        "40",
        "70",
        "Årlig opgørelse til udvalget efter strategiens målark.",
    ),
}

# The innovation's collaborators (Innovation.collaborators) as the card's groups to involve.
GROUPS = {
    "citizens": "citizens",
    "companies": "companies",
    "staff": "staff",
    "research": "researchers",
    "public_bodies": "other_municipalities",
    "volunteers": "citizens",
}

SOLUTION_SPACE = (
    "Udvalget lægger sig ikke fast på teknologi, leverandør eller organisering: forvaltningen "
    "finder løsningen sammen med dem, det vedrører, og vender tilbage med sine forslag.",
    "Det er åbent, om løsningen er digital, en ny arbejdsgang eller et nyt samarbejde; "
    "udvalget vil se mindst to bud, før der afprøves.",
)
STOP_CRITERIA = (
    "Udvalget stopper arbejdet, hvis borgerne ikke oplever en forbedring efter første "
    "afprøvning, eller hvis rammen ikke kan holdes.",
    "Udvalget stopper, hvis løsningen flytter opgaver til andre uden gevinst for borgeren, "
    "eller hvis medarbejderne ikke kan bære den.",
)
AMENDMENT_RESOLUTION = (
    "Udvalget ændrer mandatet: rammen udvides, så afprøvningen kan omfatte et distrikt mere, "
    "og udvalget vil følges tættere. Den værdimæssige retning står uændret."
)
AMENDED_STOP_CRITERIA = (
    "Udvalget stopper, hvis det ekstra distrikt ikke viser samme forbedring inden for et år."
)

SERVES_WHY = {
    "yes": "Arbejdet holder sig til retningen: borgernes oplevelse er i centrum, og "
    "løsningerne er udviklet sammen med dem.",
    "partly": "Retningen holder, men tempoet er lavere end ventet, og en gruppe borgere er "
    "endnu ikke nået.",
}

# The involvement log: (form, title, learned) by turn.
ACTIVITIES = (
    (
        "workshop",
        "Værksted med borgere og medarbejdere",
        "Borgerne vil hellere have faste ansigter end nye redskaber; medarbejderne ser de "
        "samme barrierer.",
    ),
    (
        "interview",
        "Interview med pårørende",
        "Pårørende bruger meget tid på at koordinere; de efterspørger ét kontaktpunkt.",
    ),
    (
        "survey",
        "Spørgeskema til brugerne",
        "Fire ud af fem vil gerne prøve en ny løsning, hvis de kan vælge den fra igen.",
    ),
    (
        "visit",
        "Besøg i en anden kommune med en lignende løsning",
        "Den anden kommune inddrog medarbejderne for sent; vi starter med dem.",
    ),
    (
        "test",
        "Test af prototype med en lille gruppe",
        "Prototypen virker, men vejledningen skal være kortere og mundtlig.",
    ),
)


def card_for(spec, *, index: int, day: datetime.date) -> dict[str, Any]:
    """The mandate card the committee gives an innovation of the demo."""
    indicators = []
    for value in spec.values[:2]:
        name, unit, baseline, target, measurement = INDICATORS[value]
        indicators.append(
            {
                "name": name,
                "unit": unit,
                "baseline": Decimal(baseline),
                "baseline_date": day - datetime.timedelta(days=30),
                "target": Decimal(target),
                "measurement": measurement,
            }
        )
    groups = {GROUPS[c] for c in spec.collaborators if c in GROUPS}
    if index % 2:
        groups.add("managers")
    return {
        "value_direction": spec.value_direction,
        "budget": Decimal(spec.budget) if spec.budget else None,
        "deadline": datetime.date(day.year + 2, 12, 31) if spec.budget else None,
        "scope": spec.scope,
        "solution_space": SOLUTION_SPACE[index % len(SOLUTION_SPACE)],
        "indicators": indicators,
        "involve": sorted(groups),
        "follow_up_months": 3 if index % 2 else 6,
        "stop_criteria": STOP_CRITERIA[index % len(STOP_CRITERIA)],
    }


def amendment_for(card) -> dict[str, Any]:
    """The demo's amendment: a larger frame, a closer follow-up, a sharper stop criterion."""
    budget = card.budget or Decimal(500000)
    return {
        "budget": (budget * Decimal("1.2")).quantize(Decimal("1")),
        "follow_up_months": 2,
        "stop_criteria": AMENDED_STOP_CRITERIA,
    }


def participants_for(card, *, turn: int) -> dict[str, int]:
    groups = list(card.involve) or ["staff"]
    return {group: 4 + (turn * 7 + i * 5) % 23 for i, group in enumerate(groups[:3])}


def readings_for(card, *, progress: Decimal) -> dict[str, dict[str, Any]]:
    """Each indicator read ``progress`` of the way from its baseline to its target."""
    return {
        str(i.pk): {
            "value": (i.baseline + (i.target - i.baseline) * progress).quantize(Decimal("0.1")),
            "note": "",
        }
        for i in card.indicators.all()
    }


def results_for(card, *, met: bool) -> dict[str, dict[str, Any]]:
    """The measured results: every target reached, or the last one only halfway."""
    indicators = list(card.indicators.all())
    results = {}
    for n, i in enumerate(indicators):
        share = Decimal("1.1") if met or n < len(indicators) - 1 else Decimal("0.5")
        value = (i.baseline + (i.target - i.baseline) * share).quantize(Decimal("0.1"))
        results[str(i.pk)] = {"value": value, "note": "Målt ved evalueringen."}
    return results
