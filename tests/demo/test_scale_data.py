"""The national dataset, generated tiny: every history one the services could have written."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from notifications.models import Notification

from decisions.models import Decision, FollowUp, TransitionLog
from innovations.models import Evaluation, Innovation
from organisations.models import Committee, Meeting, User
from reminders.models import Checkpoint

from ..decisions.test_log_replay import assert_log_replays

pytestmark = pytest.mark.django_db


def test_the_dataset_at_a_thousandth_is_consistent():
    # when the national dataset is generated at a thousandth of its size
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_scale_data", "--scale", "0.001", stdout=out, stderr=err)

    # then it has the counts asked for, and a progress bar per table
    assert Innovation.objects.count() == 100
    assert Checkpoint.objects.count() == 1000
    assert Notification.objects.count() == 5000
    organisation = Innovation.objects.first().organisation
    assert Committee.objects.filter(organisation=organisation).count() == 2  # with its council
    assert Meeting.objects.count() >= 24
    assert User.objects.filter(role="politician").count() == 3
    assert "notifications" in err.getvalue() and "100.0%" in err.getvalue()
    assert "Wrote 100 innovations" in out.getvalue()

    # and histories that went many ways
    states = set(Innovation.objects.values_list("state", flat=True))
    assert {"need", "exploring", "completed", "stopped"} <= states
    assert TransitionLog.objects.count() > 100

    # every log row has its evidence, and replaying the log ends in the current state
    assert not TransitionLog.objects.filter(decision__isnull=True, follow_up__isnull=True)
    assert assert_log_replays(Innovation.objects.all()) == TransitionLog.objects.count()

    # the evidence was recorded at meetings of the responsible committee that took place,
    # in order
    for innovation in Innovation.objects.all():
        log = list(TransitionLog.objects.filter(innovation=innovation).order_by("at", "id"))
        times = [entry.at for entry in log]
        assert times == sorted(times) and len(set(times)) == len(times)
        for entry in log:
            evidence = entry.decision or entry.follow_up
            assert evidence.meeting.committee_id == innovation.committee_id
            assert evidence.meeting.date <= evidence.recorded_at.date()
            assert evidence.recorded_at < entry.at
        if innovation.state == "stopped":
            assert innovation.stop_reason and innovation.stop_learning
            assert log[-1].reason == innovation.stop_reason
        if any(entry.transition == "mandate" for entry in log):
            assert innovation.value_direction == log[0].decision.value_direction != ""
        if any(entry.transition in ("spread", "complete") for entry in log):
            decided = next(e.at for e in log if e.transition in ("spread", "complete"))
            assert Evaluation.objects.filter(
                innovation=innovation, submitted_at__lt=decided
            ).exists()

    # all evidence was recorded at meetings of the innovation's own committee
    assert not Decision.objects.exclude(meeting__committee=F("innovation__committee")).exists()
    assert not FollowUp.objects.exclude(meeting__committee=F("innovation__committee")).exists()

    # open checkpoints only on active innovations, each with its next reminder
    open_checkpoints = Checkpoint.objects.filter(status="open")
    assert open_checkpoints.exists()
    assert not open_checkpoints.filter(next_reminder_at__isnull=True).exists()
    assert not open_checkpoints.filter(
        innovation__state__in=["completed", "stopped", "paused"]
    ).exists()
    assert (
        Notification.objects.values("recipient").annotate(n=Count("id")).count()
        == User.objects.filter(role__in=["politician", "official"]).count()
    )
