"""Audit events: every administrative change says who, when, what and each field before/after.

Story: an administrator renames an innovation and changes its frame, shares it, tunes the
reminder policy and a rule, registers and removes a webhook, and in the Django admin moves a
meeting and changes a person's role and a committee's membership. Each change leaves one
event in the organisation's audit, written in the same transaction, and the events cannot be
changed afterwards: not through the models, not by SQL.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from audit.models import AuditEvent
from core.records import ImmutableRecordError
from innovations import services as innovations
from organisations.admin_access import grant_admin_access
from organisations.models import Meeting, Membership, Role, User
from reminders import services as reminders
from webhooks import services as webhooks

from ..lifecycle import raise_need
from ..organisations.test_admin import admin_url

pytestmark = pytest.mark.django_db


def events_for(instance) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=str(instance.pk),
        ).order_by("id")
    )


def test_an_innovations_fields_are_audited_with_before_and_after(copenhagen):
    innovation = raise_need(copenhagen)

    innovations.update_innovation(
        actor=copenhagen.official,
        innovation=innovation,
        title="Genoptræning med skærm",
        kle_code="27.24.00",
        contact_role="Projektleder",
    )

    (event,) = events_for(innovation)
    assert event.actor == copenhagen.official
    assert event.organisation == copenhagen.organisation
    assert event.innovation_id == innovation.pk
    assert event.action == "changed"
    assert event.changes == {
        "title": ["Digital genoptræning i eget hjem", "Genoptræning med skærm"],
        "kle_code": ["", "27.24.00"],
        "contact_role": ["", "Projektleder"],
    }
    # nothing changed: no event
    innovations.update_innovation(
        actor=copenhagen.official, innovation=innovation, title="Genoptræning med skærm"
    )
    assert len(events_for(innovation)) == 1


def test_sharing_and_unsharing_are_audited(copenhagen):
    innovation = raise_need(copenhagen)

    innovations.share_innovation(
        actor=copenhagen.administrator, innovation=innovation, contact_role="Konsulent"
    )
    innovations.unshare_innovation(actor=copenhagen.administrator, innovation=innovation)

    shared, unshared = events_for(innovation)
    assert shared.changes["shared"] == [False, True]
    assert shared.changes["contact_role"] == ["", "Konsulent"]
    assert unshared.changes["shared"] == [True, False]
    assert {shared.actor, unshared.actor} == {copenhagen.administrator}


def test_reminder_policy_rules_and_webhooks_are_audited(copenhagen, fake_dns):
    fake_dns.names["esdh.example.dk"] = ["93.184.215.14"]  # resolved at registration only
    administrator = copenhagen.administrator
    policy = reminders.update_policy(
        actor=administrator, organisation=copenhagen.organisation, overdue_every_days=9
    )
    rule = reminders.create_rule(
        actor=administrator,
        organisation=copenhagen.organisation,
        state="testing",
        kind="documentation",
        due_after_days=30,
    )
    reminders.update_rule(actor=administrator, rule=rule, due_after_days=45)
    endpoint = webhooks.register_webhook(
        actor=administrator, url="https://esdh.example.dk/hook", events=["decision.recorded"]
    )
    webhooks.update_webhook(actor=administrator, endpoint=endpoint, active=False)
    webhooks.delete_webhook(actor=administrator, endpoint=endpoint)

    assert [e.changes for e in events_for(policy)][-1]["overdue_every_days"][1] == 9
    created, changed = events_for(rule)
    assert created.action == "created" and changed.changes == {"due_after_days": [30, 45]}
    registered, deactivated, deleted = events_for(endpoint)
    assert registered.action == "created" and "secret" not in registered.changes
    assert deactivated.changes == {"active": [True, False]}
    assert deleted.action == "deleted"
    assert {e.organisation_id for e in AuditEvent.objects.all()} == {copenhagen.organisation.pk}


def test_committees_and_meetings_made_through_the_services_are_audited(copenhagen):
    from organisations.services import create_committee, create_meeting

    committee = create_committee(actor=copenhagen.administrator, name="Klimaudvalget")
    meeting = create_meeting(
        actor=copenhagen.administrator, committee=committee, date=datetime.date(2026, 3, 4)
    )

    assert events_for(committee)[0].changes["name"] == [None, "Klimaudvalget"]
    assert events_for(meeting)[0].changes["date"] == [None, "2026-03-04"]


@pytest.fixture
def staff_administrator(copenhagen) -> User:
    return grant_admin_access(actor=copenhagen.administrator, person=copenhagen.administrator)


def test_a_meeting_moved_in_the_admin_is_audited(client, copenhagen, staff_administrator):
    meeting = copenhagen.other_meeting
    client.force_login(staff_administrator)

    response = client.post(
        admin_url(Meeting, "change", meeting.pk),
        {"committee": meeting.committee_id, "date": "2026-02-03", "minutes_url": ""},
    )

    assert response.status_code == 302
    (event,) = events_for(meeting)
    assert event.actor == staff_administrator
    assert event.changes["date"] == [meeting.date.isoformat(), "2026-02-03"]


def test_a_meeting_moved_through_the_api_is_audited(copenhagen):
    from rest_framework.test import APIClient

    meeting = copenhagen.other_meeting
    client = APIClient()
    client.force_authenticate(copenhagen.other_secretary)

    response = client.patch(
        f"/api/v1/meetings/{meeting.pk}/", {"date": "2026-02-03"}, format="json"
    )

    assert response.status_code == 200, response.content
    (event,) = events_for(meeting)
    assert event.actor == copenhagen.other_secretary
    assert event.changes["date"] == [meeting.date.isoformat(), "2026-02-03"]


def test_a_role_and_a_membership_changed_in_the_admin_are_audited(
    client, copenhagen, staff_administrator
):
    official = copenhagen.official
    client.force_login(staff_administrator)

    response = client.post(
        admin_url(User, "change", official.pk),
        {
            "username": official.username,
            "first_name": official.first_name,
            "last_name": official.last_name,
            "email": official.email,
            "is_active": "on",
            "organisation": copenhagen.organisation.pk,
            "role": Role.SECRETARY,
            "language": "da",
            "reminder_delivery": "immediate",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-committee": copenhagen.other_committee.pk,
            "memberships-0-role": "secretary",
            "memberships-0-valid_from": "2026-01-01",
            "memberships-0-valid_to": "",
        },
    )

    assert response.status_code == 302, response.content[:3000]
    (role_change,) = events_for(official)
    assert role_change.changes["role"] == [Role.OFFICIAL, Role.SECRETARY]
    membership = Membership.objects.get(person=official)
    (joined,) = events_for(membership)
    assert joined.action == "created" and joined.organisation == copenhagen.organisation
    assert joined.changes["committee"] == [None, copenhagen.other_committee.pk]


def test_a_change_that_rolls_back_leaves_no_event(copenhagen):
    innovation = raise_need(copenhagen)

    with pytest.raises(RuntimeError), transaction.atomic():
        innovations.update_innovation(
            actor=copenhagen.official, innovation=innovation, title="Midlertidig"
        )
        raise RuntimeError("the caller fails after the service")

    assert events_for(innovation) == []


def test_audit_events_cannot_be_changed_or_deleted(copenhagen):
    innovation = raise_need(copenhagen)
    innovations.update_innovation(actor=copenhagen.official, innovation=innovation, title="Ny")
    (event,) = events_for(innovation)

    with pytest.raises(ImmutableRecordError):
        event.save()
    with pytest.raises(ImmutableRecordError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    for sql in (
        "UPDATE audit_auditevent SET changes = '{}' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
