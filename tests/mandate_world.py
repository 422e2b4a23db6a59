"""A mandate card as a committee gives it, and the steps around it, through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from decisions import mandate_services, services
from innovations.models import Innovation

from .lifecycle import raise_need, walk

VALUE_DIRECTION = "Ældre borgere skal kunne blive længere i eget hjem med tryghed og nærvær."


def card(**changes) -> dict:
    """The mandate card of the tests: two indicators, a frame, groups to involve, a cadence."""
    today = timezone.localdate()
    data = {
        "value_direction": VALUE_DIRECTION,
        "budget": Decimal("1250000.50"),
        "deadline": today.replace(year=today.year + 2),
        "scope": "Hjemmeplejen i to distrikter.",
        "solution_space": "Udvalget lægger sig ikke fast på teknologi eller organisering.",
        "indicators": [
            {
                "name": "Borgere der bliver i eget hjem",
                "unit": "%",
                "baseline": "62",
                "baseline_date": (today - datetime.timedelta(days=30)).isoformat(),
                "target": "70",
                "measurement": "Udtræk fra omsorgssystemet hvert kvartal.",
            },
            {
                "name": "Ventetid på hjælp",
                "unit": "dage",
                "baseline": "14",
                "baseline_date": (today - datetime.timedelta(days=30)).isoformat(),
                "target": "7",
                "measurement": "Gennemsnit af visitationssager.",
            },
        ],
        "involve": ["citizens", "staff", "researchers"],
        "follow_up_months": 3,
        "stop_criteria": "Udvalget stopper, hvis borgerne ikke oplever mere tryghed efter et år.",
    }
    data.update(changes)
    return data


def give_mandate(world, innovation: Innovation | None = None, **changes):
    """The secretary records an approved mandate with its card and applies it."""
    innovation = innovation or raise_need(world)
    return services.record_decision(
        actor=world.secretary,
        innovation=innovation,
        meeting=world.meeting,
        agenda_item="Punkt 3: Mandat",
        transition="mandate",
        outcome="approved",
        resolution="Udvalget giver mandat efter indstillingen.",
        mandate_card=card(**changes),
        apply_transition=True,
    )


def amend(world, innovation: Innovation, **changes):
    return services.record_decision(
        actor=world.secretary,
        innovation=innovation,
        meeting=world.meeting,
        agenda_item="Punkt 5: Ændret mandat",
        transition="amend_mandate",
        outcome="approved",
        resolution="Udvalget ændrer mandatet.",
        mandate_card=changes,
        apply_transition=True,
    )


def mandated_in(world, state: str) -> Innovation:
    """An innovation given the test card, then walked on to ``state``."""
    innovation = give_mandate(world).innovation
    names = {
        "exploring": [],
        "testing": ["approve_test"],
        "implementing": ["approve_test", "approve_implementation"],
        "evaluating": ["approve_test", "approve_implementation", "start_evaluation"],
    }[state]
    return Innovation.objects.get(pk=walk(world, innovation, names).pk)


def indicators_of(innovation: Innovation):
    return list(mandate_services.current_card(innovation).indicators.all())
