"""One definition of "overdue": the page's ``due_status`` and ``days_overdue`` say what
``Checkpoint.objects.open().overdue(on=today)`` and ``Checkpoint.is_overdue`` say."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template

from reminders.models import Checkpoint, CheckpointStatus
from reminders.services import local_today
from web.templatetags.spor import days_overdue, due_status

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db

CASES = {
    # name: (days from today, status)
    "due yesterday": (-1, CheckpointStatus.OPEN),
    "due a week ago": (-7, CheckpointStatus.OPEN),
    "due today": (0, CheckpointStatus.OPEN),
    "due tomorrow": (1, CheckpointStatus.OPEN),
    "completed, due yesterday": (-1, CheckpointStatus.COMPLETED),
    "waived, due today": (0, CheckpointStatus.WAIVED),
}


@pytest.fixture
def checkpoints(copenhagen) -> dict[str, Checkpoint]:
    innovation = InnovationFactory(committee=copenhagen.committee)
    today = local_today()
    return {
        name: Checkpoint.objects.create(
            innovation=innovation,
            kind="follow_up",
            due_date=today + datetime.timedelta(days=days),
            source="manual",
            status=status,
            waived_reason="Ikke relevant" if status == CheckpointStatus.WAIVED else "",
        )
        for name, (days, status) in CASES.items()
    }


def test_the_tag_the_model_and_the_queryset_agree_on_overdue(checkpoints):
    today = local_today()
    in_the_queryset = set(Checkpoint.objects.open().overdue(on=today).values_list("pk", flat=True))

    for name, checkpoint in checkpoints.items():
        overdue = checkpoint.pk in in_the_queryset
        assert checkpoint.is_overdue(on=today) is overdue, name
        assert (due_status(checkpoint) == "overdue") is overdue, name
        assert (days_overdue(checkpoint) > 0) is overdue, name

    assert {name for name, c in checkpoints.items() if c.pk in in_the_queryset} == {
        "due yesterday",
        "due a week ago",
    }


def test_the_tag_names_each_case(checkpoints):
    status = {name: due_status(checkpoint) for name, checkpoint in checkpoints.items()}
    days = {name: days_overdue(checkpoint) for name, checkpoint in checkpoints.items()}

    assert status == {
        "due yesterday": "overdue",
        "due a week ago": "overdue",
        "due today": "due",
        "due tomorrow": "upcoming",
        "completed, due yesterday": "closed",
        "waived, due today": "closed",
    }
    assert days == {
        "due yesterday": 1,
        "due a week ago": 7,
        "due today": 0,
        "due tomorrow": 0,
        "completed, due yesterday": 0,
        "waived, due today": 0,
    }


def test_a_completed_checkpoint_past_its_date_is_not_shown_as_overdue(checkpoints):
    table = Template('{% include "web/includes/checkpoint_table.html" %}')

    done = table.render(Context({"checkpoints": [checkpoints["completed, due yesterday"]]}))
    late = table.render(Context({"checkpoints": [checkpoints["due yesterday"]]}))

    assert "status-overdue" not in done
    assert "status-overdue" in late
