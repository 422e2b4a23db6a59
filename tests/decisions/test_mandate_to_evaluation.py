"""From mandate to evaluation through the services: the involvement log while exploring and
testing, follow-ups that read the indicators and ask about the value direction, and the
evaluation held against the card."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audit import chain
from core.errors import PermissionDenied, TransitionNotPossible, ValidationFailed
from decisions import mandate_services, services
from decisions.mandate import (
    IndicatorReading,
    InvolvementActivity,
    MandateEvaluation,
    ValueDirectionCheck,
)
from innovations.models import Evaluation

from ..mandate_world import indicators_of, mandated_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def log_workshop(world, innovation, **changes):
    data = {
        "date": timezone.localdate(),
        "form": "workshop",
        "title": "Værksted med borgere og hjemmeplejen",
        "participants": {"citizens": 12, "staff": 5},
        "learned": "Borgerne vil have faste hjælpere frem for ny teknologi.",
        "platform_url": "https://deltag.aarhus.dk/processes/hjemmepleje",
    }
    data.update(changes)
    return mandate_services.record_involvement(actor=world.official, innovation=innovation, **data)


def follow_up(world, innovation, **kwargs):
    return services.record_follow_up(
        actor=world.secretary,
        innovation=innovation,
        meeting=world.meeting,
        agenda_item="Punkt 6: Status",
        assessment="on_track",
        summary="Projektet følger planen.",
        taken_note="Udvalget tog orienteringen til efterretning.",
        **kwargs,
    )


def test_the_official_keeps_the_involvement_log_while_exploring(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")  # raised by the official, who owns it

    activity = log_workshop(copenhagen, innovation)

    assert activity.phase == "exploring"
    assert activity.participant_total == 17
    assert activity.participant_rows() == [("Citizens", 12), ("Staff", 5)]


def test_the_log_refuses_bad_rows_other_phases_and_politicians(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        mandate_services.record_involvement(
            actor=copenhagen.secretary,
            innovation=innovation,
            date=timezone.localdate() + datetime.timedelta(days=1),
            form="party",
            title="",
            participants={"aliens": 3},
            learned="",
            platform_url="javascript:alert(1)",
        )
    assert {"form", "title", "participants", "learned", "platform_url"} <= set(refused.value.errors)
    with pytest.raises(PermissionDenied):
        mandate_services.record_involvement(
            actor=copenhagen.politician,
            innovation=innovation,
            date=timezone.localdate(),
            form="visit",
            title="Besøg",
            participants={"staff": 2},
            learned="Noget.",
        )
    implementing = mandated_in(copenhagen, "implementing")
    with pytest.raises(TransitionNotPossible):
        mandate_services.record_involvement(
            actor=copenhagen.secretary,
            innovation=implementing,
            date=timezone.localdate(),
            form="visit",
            title="Besøg",
            participants={"staff": 2},
            learned="Noget.",
        )
    assert not InvolvementActivity.objects.exists()


def test_a_follow_up_reads_the_indicators_and_asks_about_the_value_direction(copenhagen):
    innovation = mandated_in(copenhagen, "testing")
    mandate_services.record_involvement(
        actor=copenhagen.secretary,
        innovation=innovation,
        date=timezone.localdate(),
        form="test",
        title="Test af faste teams",
        participants={"citizens": 20, "staff": 8},
        learned="Færre nye ansigter giver tryghed.",
    )
    at_home, waiting = indicators_of(innovation)

    result = follow_up(
        copenhagen,
        innovation,
        readings={str(at_home.pk): "65,5", waiting.pk: {"value": "10", "note": "Faldende."}},
        serves="partly",
        serves_why="Trygheden stiger, men ventetiden er stadig for lang.",
    )

    check = ValueDirectionCheck.objects.get(follow_up=result.record)
    assert check.serves == "partly"
    assert check.involvement == {
        "activities": 1,
        "participants": {"citizens": 20, "staff": 8},
        "forms": {"test": 1},
    }
    readings = {r.indicator_id: r for r in IndicatorReading.objects.filter(follow_up=result.record)}
    assert readings[at_home.pk].value == Decimal("65.5")
    assert readings[waiting.pk].note == "Faldende."
    assert chain.verify() == []


def test_a_follow_up_must_say_why_and_read_only_the_cards_indicators(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        follow_up(copenhagen, innovation, readings={"999999": "1"}, serves="yes")
    assert {"readings", "serves_why"} <= set(refused.value.errors)
    with pytest.raises(ValidationFailed) as refused:
        follow_up(copenhagen, innovation, serves="maybe", serves_why="Hm.")
    assert "serves" in refused.value.errors
    assert not ValueDirectionCheck.objects.exists()


def evaluate(world, innovation, **changes):
    at_home, waiting = indicators_of(innovation)
    data = {
        "method": "internal",
        "effects": {
            "quality": {"effect": "improved", "basis": "measured", "text": "Bedre."},
            "citizen_satisfaction": {
                "effect": "unknown",
                "basis": "assessed",
                "text": "Ikke målt.",
            },
        },
        "learning": "Faste teams virker bedre end teknologi alene.",
        "spreading": "recommended",
        "recommendation": "Kan spredes til alle distrikter.",
        "results": {str(at_home.pk): "71", str(waiting.pk): {"value": "6", "note": "Målt i maj."}},
        "verdict": "realised",
        "verdict_why": "Flere bliver hjemme, og de oplever mere tryghed.",
    }
    data.update(changes)
    return mandate_services.submit_evaluation(actor=world.secretary, innovation=innovation, **data)


def test_the_evaluation_is_held_against_the_card(copenhagen):
    innovation = mandated_in(copenhagen, "evaluating")

    evaluation = evaluate(copenhagen, innovation)

    against = MandateEvaluation.objects.get(evaluation=evaluation)
    assert against.card == mandate_services.current_card(innovation)
    assert against.verdict == "realised"
    assert [r.measured for r in against.results.all()] == [Decimal("71"), Decimal("6")]
    assert all(r.reached for r in against.results.all())
    assert against.met
    assert chain.verify() == []


def test_an_indicator_missed_means_the_mandate_was_not_met(copenhagen):
    innovation = mandated_in(copenhagen, "evaluating")
    at_home, waiting = indicators_of(innovation)

    evaluation = evaluate(
        copenhagen, innovation, results={str(at_home.pk): "71", str(waiting.pk): "9"}
    )

    assert not evaluation.mandate_evaluation.met


def test_an_incomplete_evaluation_records_nothing(copenhagen):
    innovation = mandated_in(copenhagen, "evaluating")
    at_home, _waiting = indicators_of(innovation)
    with pytest.raises(ValidationFailed) as refused:
        evaluate(
            copenhagen,
            innovation,
            results={str(at_home.pk): "71"},
            verdict="",
            verdict_why="",
            learning="",
        )
    errors = refused.value.errors
    assert {"verdict", "verdict_why", "learning"} <= set(errors)
    assert any(key.startswith("results.") for key in errors)
    assert not Evaluation.objects.filter(innovation=innovation).exists()
    assert not MandateEvaluation.objects.exists()


def test_the_evaluation_against_the_card_keeps_to_the_evaluating_phase(copenhagen):
    innovation = mandated_in(copenhagen, "implementing")
    with pytest.raises(TransitionNotPossible):
        evaluate(copenhagen, innovation)
    assert not Evaluation.objects.exists()


def test_a_follow_up_that_does_not_answer_on_the_value_direction_records_no_check(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    result = follow_up(copenhagen, innovation)
    assert not ValueDirectionCheck.objects.filter(follow_up=result.record).exists()
    assert not IndicatorReading.objects.exists()
