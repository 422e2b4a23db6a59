"""The mandate card through the services: given with the mandate, amended only by a decision,
kept in every version, immutable like the decision it belongs to, and the frame's one source."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audit import chain
from core.errors import TransitionNotPossible, ValidationFailed
from core.records import ImmutableRecordError
from decisions import mandate_services, services
from decisions.mandate import MandateCard, MandateIndicator
from decisions.models import Decision, TransitionLog
from innovations import services as innovation_services
from innovations.models import Innovation
from reminders.models import Checkpoint, CheckpointKind, CheckpointStatus
from reminders.services import add_months

from ..lifecycle import raise_need
from ..mandate_world import VALUE_DIRECTION, amend, card, give_mandate, mandated_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def test_an_approved_mandate_records_its_card_and_the_frame_comes_from_it(copenhagen):
    result = give_mandate(copenhagen)

    innovation = Innovation.objects.get(pk=result.innovation.pk)
    assert innovation.state == "exploring"
    recorded = MandateCard.objects.get(innovation=innovation)
    assert recorded.decision == result.record and recorded.version == 1
    assert recorded.value_direction == VALUE_DIRECTION == result.record.value_direction
    assert recorded.involve == ["citizens", "staff", "researchers"]
    assert recorded.follow_up_months == 3
    assert [i.name for i in recorded.indicators.all()] == [
        "Borgere der bliver i eget hjem",
        "Ventetid på hjælp",
    ]
    waiting = recorded.indicators.get(position=2)
    assert not waiting.higher_is_better and waiting.reached(Decimal("6")) is True
    # the innovation's frame is the card's
    assert innovation.frame_budget == Decimal("1250000.50")
    assert innovation.frame_scope == "Hjemmeplejen i to distrikter."
    assert innovation.frame_deadline == recorded.deadline
    assert innovation.value_direction == VALUE_DIRECTION


def test_a_card_that_breaks_the_rules_records_nothing(copenhagen):
    innovation = raise_need(copenhagen)
    broken = card(
        indicators=[{"name": "Ventetid", "unit": "dage", "baseline": "x", "target": "7"}],
        involve=["citizens", "astronauts"],
        follow_up_months=0,
    )
    with pytest.raises(ValidationFailed) as refused:
        services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 3",
            transition="mandate",
            outcome="approved",
            resolution="Mandat.",
            mandate_card=broken,
            apply_transition=True,
        )
    errors = refused.value.errors
    assert "mandate_card.indicators.1.baseline" in errors
    assert "mandate_card.indicators.1.baseline_date" in errors
    assert "mandate_card.indicators.1.measurement" in errors
    assert "mandate_card.involve" in errors
    assert "mandate_card.follow_up_months" in errors
    assert not Decision.objects.filter(innovation=innovation).exists()
    assert not MandateCard.objects.exists()


def test_a_rejected_mandate_records_no_card(copenhagen):
    innovation = raise_need(copenhagen)
    services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 3",
        transition="mandate",
        outcome="rejected",
        resolution="Udvalget afviser.",
        mandate_card=card(),
    )
    assert Decision.objects.filter(innovation=innovation).count() == 1
    assert not MandateCard.objects.exists()


def test_a_card_goes_only_with_a_mandate_decision(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 4",
            transition="approve_test",
            outcome="approved",
            resolution="Afprøvning godkendt.",
            mandate_card={"budget": "1"},
        )
    assert "mandate_card" in refused.value.errors


def test_an_amendment_keeps_the_phase_and_every_version(copenhagen):
    innovation = mandated_in(copenhagen, "testing")
    entered = innovation.state_entered_at
    first = MandateCard.objects.get(innovation=innovation)

    result = amend(
        copenhagen,
        innovation,
        budget="2000000",
        indicators=[
            *card()["indicators"],
            {
                "name": "Tryghed",
                "unit": "point",
                "baseline": "3.1",
                "baseline_date": timezone.localdate().isoformat(),
                "target": "4",
                "measurement": "Spørgeskema til borgerne.",
            },
        ],
    )

    assert result.applied
    innovation = Innovation.objects.get(pk=innovation.pk)
    assert innovation.state == "testing" and innovation.state_entered_at == entered
    second = mandate_services.current_card(innovation)
    assert second.version == 2 and second.decision == result.record
    assert second.changed_fields == ["budget", "indicators"]
    assert second.indicators.count() == 3
    assert second.value_direction == first.value_direction == result.record.value_direction
    assert innovation.frame_budget == Decimal("2000000")
    # the first version stands as recorded
    first.refresh_from_db()
    assert first.budget == Decimal("1250000.50") and first.indicators.count() == 2
    entry = TransitionLog.objects.filter(innovation=innovation).latest("at", "id")
    assert (entry.transition, entry.source, entry.target) == ("amend_mandate", "testing", "testing")


def test_an_amendment_that_changes_nothing_is_refused(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        amend(copenhagen, innovation, budget=Decimal("1250000.50"))
    assert "mandate_card" in refused.value.errors
    assert MandateCard.objects.filter(innovation=innovation).count() == 1


def test_the_mandate_cannot_be_amended_before_it_is_given(copenhagen):
    innovation = raise_need(copenhagen)
    with pytest.raises(TransitionNotPossible):
        amend(copenhagen, innovation, budget="1")
    assert not MandateCard.objects.exists()


def test_the_frame_is_not_edited_on_the_innovation(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        innovation_services.update_innovation(
            actor=copenhagen.administrator, innovation=innovation, frame_budget="1"
        )
    assert "frame_budget" in refused.value.errors
    assert Innovation.objects.get(pk=innovation.pk).frame_budget == Decimal("1250000.50")


def test_cards_are_immutable_in_the_models_and_in_sql(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    recorded = MandateCard.objects.get(innovation=innovation)
    recorded.budget = Decimal(1)
    with pytest.raises(ImmutableRecordError):
        recorded.save()
    with pytest.raises(ImmutableRecordError):
        MandateIndicator.objects.filter(card=recorded).update(target=0)
    for table in ("decisions_mandatecard", "decisions_mandateindicator"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")
    assert chain.verify() == []


def test_the_cards_cadence_sets_the_committees_follow_ups(copenhagen):
    today = timezone.localdate()
    innovation = give_mandate(copenhagen, follow_up_months=2).innovation

    follow_up = Checkpoint.objects.get(
        innovation=innovation, kind=CheckpointKind.FOLLOW_UP, status=CheckpointStatus.OPEN
    )
    assert follow_up.due_date == add_months(today, 2)

    amend(copenhagen, innovation, follow_up_months=1)

    follow_up.refresh_from_db()
    assert follow_up.status == CheckpointStatus.OPEN
    assert follow_up.due_date == add_months(today, 1)
    assert Checkpoint.objects.filter(innovation=innovation, status="open").count() == 1


def test_add_months_keeps_to_the_calendar():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_an_amendment_recorded_first_is_applied_later_on_its_card(copenhagen):
    innovation = mandated_in(copenhagen, "implementing")
    recorded = services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 5",
        transition="amend_mandate",
        outcome="approved",
        resolution="Udvalget ændrer mandatet.",
        mandate_card={"scope": "Hele kommunen."},
    )
    assert not recorded.applied

    option = next(
        o
        for o in services.available_transitions(innovation, copenhagen.secretary)
        if o.name == "amend_mandate"
    )
    assert option.available, option.reasons
    assert (option.source, option.target) == ("implementing", "implementing")

    services.apply_transition(
        actor=copenhagen.secretary,
        innovation=innovation,
        transition="amend_mandate",
        decision=recorded.record,
    )
    assert Innovation.objects.get(pk=innovation.pk).frame_scope == "Hele kommunen."


def test_an_amendment_without_its_changes_says_where_to_record_them(copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    with pytest.raises(ValidationFailed) as refused:
        services.record_decision(
            actor=copenhagen.secretary,
            innovation=innovation,
            meeting=copenhagen.meeting,
            agenda_item="Punkt 5",
            transition="amend_mandate",
            outcome="approved",
            resolution="Udvalget ændrer mandatet.",
        )
    assert "mandate card" in refused.value.errors["mandate_card"][0]
