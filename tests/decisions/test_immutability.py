"""Recorded evidence and the transition log never change: not through the models, not through
querysets, not in raw SQL. A mistake is corrected by a correction that points at it."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.records import ImmutableRecordError
from decisions import selectors, services
from decisions.models import Correction, Decision, FollowUp, TransitionLog

from ..lifecycle import innovation_in, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

MODELS = [Decision, FollowUp, Correction, TransitionLog]


@pytest.fixture
def trail(copenhagen):
    """One of each record: a decision, a follow-up, a correction and log rows."""
    innovation = innovation_in(copenhagen, "implementing")
    follow_up = record(copenhagen, innovation, "start_evaluation", apply=True).record
    decision = Decision.objects.filter(innovation=innovation, transition="mandate").get()
    correction = services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Stemmetallet var forkert gengivet i referatet.",
        corrected_values={"votes_for": 1, "votes_against": 1},
    )
    return {
        Decision: decision,
        FollowUp: follow_up,
        Correction: correction,
        TransitionLog: TransitionLog.objects.filter(innovation=innovation).first(),
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_save_of_a_recorded_row_raises(trail, model):
    row = trail[model]
    with pytest.raises(ImmutableRecordError, match="cannot be changed"):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.save(update_fields=["recorded_at" if model is not TransitionLog else "at"])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_delete_of_a_recorded_row_raises(trail, model):
    with pytest.raises(ImmutableRecordError, match="cannot be deleted"):
        trail[model].delete()
    assert model.objects.filter(pk=trail[model].pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_queryset_update_and_delete_raise(trail, model):
    row = trail[model]
    field = "recorded_at" if model is not TransitionLog else "at"
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(pk=row.pk).update(**{field: getattr(row, field)})
    with pytest.raises(ImmutableRecordError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(ImmutableRecordError):
        model.objects.all().delete()
    # bulk_update raises inside its own atomic block without a savepoint: give it one
    with pytest.raises(ImmutableRecordError), transaction.atomic():
        model.objects.bulk_update([row], [field])
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_raw_sql_update_fails_on_the_database(trail, model):
    table = model._meta.db_table
    row = trail[model]
    column = "recorded_at" if model is not TransitionLog else "at"
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {table} SET {column} = now() WHERE id = %s", [row.pk])
    # the ORM's plain base manager (used by Django internally) meets the same trigger
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{column: getattr(row, column)})
    assert getattr(model.objects.get(pk=row.pk), column) == getattr(row, column)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_raw_sql_delete_fails_on_the_database(trail, model):
    table = model._meta.db_table
    row = trail[model]
    with (
        pytest.raises(IntegrityError, match="immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row.pk])
    assert model.objects.filter(pk=row.pk).exists()


def test_the_trigger_is_installed_on_every_immutable_table():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_object_table, string_agg(event_manipulation, ',' ORDER BY event_manipulation) "
            "FROM information_schema.triggers WHERE trigger_name LIKE %s GROUP BY 1",
            ["%_immutable"],
        )
        installed = dict(cursor.fetchall())
    for model in MODELS:
        assert installed.get(model._meta.db_table) == "DELETE,UPDATE", model.__name__


# --- Corrections -------------------------------------------------------------------------------


def test_a_correction_keeps_the_original_and_both_are_visible(trail, copenhagen):
    decision = trail[Decision]
    original = Decision.objects.get(pk=decision.pk)
    innovation = decision.innovation

    second = services.record_correction(
        actor=copenhagen.administrator,
        decision=decision,
        reason="Dagsordenspunktets nummer var forkert.",
        corrected_values={"agenda_item": "Punkt 12"},
    )

    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.agenda_item, stored.votes_for, stored.votes_against) == (
        original.agenda_item,
        original.votes_for,
        original.votes_against,
    )
    [shown] = [d for d in selectors.decisions_for(innovation) if d.pk == decision.pk]
    assert [c.corrected_values for c in shown.corrections.all()] == [
        {"votes_for": 1, "votes_against": 1},
        {"agenda_item": "Punkt 12"},
    ]
    assert second.target == stored
    timeline = selectors.timeline(innovation)
    types = [entry.type for entry in timeline]
    assert types.count("correction") == 2 and "decision" in types


def test_a_follow_up_is_corrected_the_same_way(trail, copenhagen):
    follow_up = trail[FollowUp]
    correction = services.record_correction(
        actor=copenhagen.secretary,
        follow_up=follow_up,
        reason="Vurderingen var fejlregistreret.",
        corrected_values={"assessment": "at_risk"},
    )
    assert FollowUp.objects.get(pk=follow_up.pk).assessment == "on_track"
    assert correction.corrected_values == {"assessment": "at_risk"}


def test_only_those_who_record_may_correct(trail, copenhagen, aarhus):
    decision = trail[Decision]
    for person in (copenhagen.politician, copenhagen.official, copenhagen.other_secretary):
        with pytest.raises(PermissionDenied):
            services.record_correction(
                actor=person, decision=decision, reason="Fejl.", corrected_values={"votes_for": 1}
            )
    with pytest.raises(NotFound):
        services.record_correction(
            actor=aarhus.administrator,
            decision=decision,
            reason="Fejl.",
            corrected_values={"votes_for": 1},
        )
    assert Correction.objects.filter(decision=decision).count() == 1


def test_correcting_the_mandates_value_direction_corrects_the_innovations(trail, copenhagen):
    decision = trail[Decision]  # the mandate that moved the innovation out of `need`
    innovation = decision.innovation

    services.record_correction(
        actor=copenhagen.secretary,
        decision=decision,
        reason="Værdiretningen blev afskrevet forkert fra referatet.",
        corrected_values={"value_direction": "Borgeren skal mestre sin egen hverdag."},
    )

    assert Decision.objects.get(pk=decision.pk).value_direction == decision.value_direction
    stored = type(innovation).objects.get(pk=innovation.pk)
    assert stored.value_direction == "Borgeren skal mestre sin egen hverdag."
    # a mandate without a value direction is no mandate: that correction is refused
    with pytest.raises(ValidationFailed):
        services.record_correction(
            actor=copenhagen.secretary,
            decision=decision,
            reason="Fejl.",
            corrected_values={"value_direction": ""},
        )
    assert type(innovation).objects.get(pk=innovation.pk).value_direction == stored.value_direction
