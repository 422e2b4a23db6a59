"""django-fsm's four pitfalls, each guarded: Spor's engine does not rely on what the library
does not promise."""

from __future__ import annotations

import pytest
from django.db import connection
from django_fsm import has_transition_perm, post_transition, pre_transition

from core.errors import ConcurrentChange, PermissionDenied
from decisions import services
from decisions.models import Decision, TransitionLog
from innovations.models import Innovation, TransitionContext
from innovations.workflow import transition_specs

from ..factories import InnovationFactory
from ..lifecycle import VALUE_DIRECTION, raise_need, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

OUR_APPS = {"innovations", "decisions", "reminders", "organisations", "api", "web"}


def stored_state(innovation: Innovation) -> str:
    return Innovation.objects.values_list("state", flat=True).get(pk=innovation.pk)


# (a) A transition method changes the field in memory only ---------------------------------------


def test_a_transition_method_alone_changes_nothing_in_the_database(copenhagen):
    innovation = raise_need(copenhagen)
    decision = record(copenhagen, innovation, "mandate").record

    # called directly, with its conditions met, the method moves the instance in memory ...
    innovation._transition_context = TransitionContext(evidence=decision)
    innovation.mandate()
    assert innovation.state == "exploring"

    # ... and nothing else: the database and the log know nothing of it
    assert stored_state(innovation) == "need"
    assert not TransitionLog.objects.filter(innovation=innovation).exists()


@pytest.fixture
def log_insert_fails():
    """Make the next log insert fail on the database, as a concurrent use of the evidence would.

    A trigger, not a mock: the failure comes from PostgreSQL inside the service's transaction.
    The test's own transaction rolls the trigger back afterwards.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION pg_temp.spor_test_refuse_log() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'the evidence is already used' USING ERRCODE = 'unique_violation';
            END;
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER spor_test_refuse_log BEFORE INSERT ON decisions_transitionlog
                FOR EACH ROW EXECUTE FUNCTION pg_temp.spor_test_refuse_log();
            """
        )


def test_the_service_saves_state_and_log_in_one_transaction(copenhagen, log_insert_fails):
    innovation = raise_need(copenhagen)
    decision = record(copenhagen, innovation, "mandate").record

    with pytest.raises(ConcurrentChange) as refused:
        services.apply_transition(
            actor=copenhagen.secretary,
            innovation=innovation,
            transition="mandate",
            decision=decision,
        )

    # the state was saved before the log insert failed, and was rolled back with it
    assert refused.value.message == "This evidence has already authorised a transition."
    stored = Innovation.objects.get(pk=innovation.pk)
    assert (stored.state, stored.value_direction) == ("need", "")
    assert not TransitionLog.objects.filter(innovation=innovation).exists()


def test_recording_and_applying_in_one_step_rolls_back_whole(copenhagen, log_insert_fails):
    innovation = raise_need(copenhagen)

    with pytest.raises(ConcurrentChange):
        record(copenhagen, innovation, "mandate", apply=True)

    assert stored_state(innovation) == "need"
    assert not Decision.objects.filter(innovation=innovation).exists()


# (b) `permission=` is advisory --------------------------------------------------------------------


def test_django_fsm_would_let_anyone_through_but_the_services_check(copenhagen, aarhus):
    innovation = raise_need(copenhagen)
    decision = record(copenhagen, innovation, "mandate").record
    innovation._transition_context = TransitionContext(evidence=decision)

    # django-fsm's own permission check says yes to a politician and to another organisation:
    # it only asks a `permission=` declaration, and only when a caller thinks of asking
    for person in (copenhagen.politician, aarhus.administrator):
        assert has_transition_perm(innovation.mandate, person)
    for spec in transition_specs():
        meta = getattr(Innovation, spec.name)._django_fsm
        for source in spec.sources:
            assert meta.has_transition_perm(innovation, source, copenhagen.politician)
    innovation._transition_context = None

    # the services decide themselves, whatever called them
    with pytest.raises(PermissionDenied):
        services.apply_transition(
            actor=copenhagen.politician,
            innovation=innovation,
            transition="mandate",
            decision=decision,
        )
    with pytest.raises(PermissionDenied):
        record(copenhagen, innovation, "mandate", actor=copenhagen.politician, apply=True)
    assert stored_state(innovation) == "need"


# (c) post_transition fires before save() -----------------------------------------------------------


def test_post_transition_fires_before_the_state_and_log_are_saved(copenhagen):
    innovation = raise_need(copenhagen)
    seen = []

    def spy(sender, instance, name, source, target, **kwargs):
        seen.append(
            {
                "transition": name,
                "in_memory": instance.state,
                "in_database": stored_state(instance),
                "log_rows": TransitionLog.objects.filter(innovation=instance).count(),
            }
        )

    post_transition.connect(spy, sender=Innovation, weak=False)
    try:
        result = record(copenhagen, innovation, "mandate", apply=True)
    finally:
        post_transition.disconnect(spy, sender=Innovation)

    # at signal time the instance has moved but nothing is saved: a log written there would
    # describe a change that may still roll back
    assert seen == [
        {"transition": "mandate", "in_memory": "exploring", "in_database": "need", "log_rows": 0}
    ]
    # the service wrote the state and its log row afterwards, in its transaction
    assert stored_state(innovation) == "exploring"
    assert list(TransitionLog.objects.filter(innovation=innovation)) == [result.log_entry]
    assert result.innovation.value_direction == VALUE_DIRECTION


def test_nothing_of_ours_listens_to_django_fsm_signals():
    for signal in (pre_transition, post_transition):
        sync_receivers, async_receivers = signal._live_receivers(Innovation)
        ours = [
            receiver
            for receiver in (*sync_receivers, *async_receivers)
            if receiver.__module__.split(".")[0] in OUR_APPS
        ]
        assert ours == [], "log, checkpoints and reminders belong in the services and hooks"


# (d) refresh_from_db and the shared `protected` flag -------------------------------------------------


def test_refresh_from_db_reloads_the_state_and_keeps_it_protected(copenhagen):
    innovation = raise_need(copenhagen)
    held = Innovation.objects.get(pk=innovation.pk)
    record(copenhagen, innovation, "mandate", apply=True)

    held.refresh_from_db()

    assert held.state == "exploring"
    with pytest.raises(AttributeError, match="Direct state modification is not allowed"):
        held.state = "need"
    # a refresh of other fields leaves the state alone
    held.refresh_from_db(fields=["title"])
    assert held.state == "exploring"
    # a deferred state is loaded by Django's own refresh_from_db, and is protected once loaded
    deferred = Innovation.objects.only("title").get(pk=innovation.pk)
    assert deferred.state == "exploring"
    with pytest.raises(AttributeError):
        deferred.state = "need"


def test_protection_is_back_after_a_failing_refresh(copenhagen):
    field = Innovation._meta.get_field("state")
    innovation = InnovationFactory(committee=copenhagen.committee)
    neighbour = InnovationFactory(committee=copenhagen.committee)
    with connection.cursor() as cursor:  # deleted meanwhile, by whatever means
        cursor.execute("DELETE FROM innovations_innovation WHERE id = %s", [innovation.pk])

    with pytest.raises(Innovation.DoesNotExist):
        innovation.refresh_from_db()

    # the instance keeps its state and its protection ...
    assert innovation.state == "need"
    with pytest.raises(AttributeError):
        innovation.state = "completed"
    # ... and the flag django-fsm shares between every instance and thread is untouched
    assert field.protected is True
    with pytest.raises(AttributeError):
        neighbour.state = "completed"
    assert stored_state(neighbour) == "need"
