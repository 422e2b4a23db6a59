"""A meeting carrying evidence keeps its committee and date on the database too.

Driven as someone with a SQL prompt would: plain UPDATE and DELETE statements, past the
model, the admin and the services. The trigger also holds a meeting that only a correction
references (the record was moved to it), which no foreign key protects.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from decisions import services
from innovations.services import create_innovation
from organisations.models import Meeting

from ..factories import MeetingFactory

pytestmark = pytest.mark.django_db


def sql(statement: str, *params) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def record_decision(world):
    innovation = create_innovation(
        actor=world.official, title="Digital rehabilitering", need="Lange forløb",
        committee=world.committee,
    )  # fmt: skip
    return services.record_decision(
        actor=world.secretary, innovation=innovation, meeting=world.meeting,
        agenda_item="Punkt 5", transition="mandate", outcome="rejected",
        resolution="Udvalget afviser.", apply_transition=False,
    ).record  # fmt: skip


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE organisations_meeting SET date = date - 400 WHERE id = %s",
        "UPDATE organisations_meeting SET committee_id = {other} WHERE id = %s",
        "DELETE FROM organisations_meeting WHERE id = %s",
    ],
)
def test_sql_cannot_move_or_delete_a_meeting_with_a_decision(copenhagen, statement):
    decision = record_decision(copenhagen)
    with pytest.raises(IntegrityError, match="carries evidence"):
        sql(statement.format(other=copenhagen.other_committee.pk), copenhagen.meeting.pk)
    stored = Meeting.objects.get(pk=decision.meeting_id)
    assert (stored.committee_id, stored.date) == (copenhagen.committee.pk, copenhagen.meeting.date)


def test_sql_cannot_move_or_delete_a_meeting_only_a_correction_references(copenhagen):
    decision = record_decision(copenhagen)
    services.record_correction(
        actor=copenhagen.administrator, decision=decision,
        reason="Sagen blev behandlet i byrådet.",
        corrected_values={"meeting": copenhagen.council_meeting.pk},
    )  # fmt: skip
    meeting = copenhagen.council_meeting.pk
    with pytest.raises(IntegrityError, match="carries evidence"):
        sql("UPDATE organisations_meeting SET date = date + 7 WHERE id = %s", meeting)
    with pytest.raises(IntegrityError, match="carries evidence"):
        sql("DELETE FROM organisations_meeting WHERE id = %s", meeting)
    assert Meeting.objects.filter(pk=meeting, date=copenhagen.council_meeting.date).exists()


def test_sql_may_change_the_minutes_link_and_meetings_without_evidence(copenhagen):
    record_decision(copenhagen)
    assert (
        sql(
            "UPDATE organisations_meeting SET minutes_url = 'https://dagsordener.kk.dk/5' "
            "WHERE id = %s",
            copenhagen.meeting.pk,
        )
        == 1
    )
    empty = MeetingFactory(
        committee=copenhagen.committee, date=copenhagen.meeting.date - datetime.timedelta(days=3)
    )
    assert sql("UPDATE organisations_meeting SET date = date - 1 WHERE id = %s", empty.pk) == 1
    assert (
        sql(
            "UPDATE organisations_meeting SET committee_id = %s WHERE id = %s",
            copenhagen.other_committee.pk,
            empty.pk,
        )
        == 1
    )
    assert sql("DELETE FROM organisations_meeting WHERE id = %s", empty.pk) == 1
