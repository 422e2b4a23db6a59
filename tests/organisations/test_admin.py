"""The Django admin: configuration for administrators, never a way around the services.

Story: the superuser opens every page of the admin; the decision trail is there to read but
cannot be added to, changed or deleted, and an innovation's phase cannot be edited. An
organisation's administrator sees and chooses only their own organisation's rows.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from decisions import services
from decisions.models import Decision, TransitionLog
from innovations.models import Innovation, State
from innovations.services import create_innovation
from organisations.models import Committee, Role, User

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def superuser():
    return UserFactory(
        username="root", organisation=None, role="", is_staff=True, is_superuser=True
    )


@pytest.fixture
def mandated(copenhagen) -> Innovation:
    """An innovation moved to exploring on a recorded mandate."""
    innovation = create_innovation(
        actor=copenhagen.official,
        title="Skærmbesøg i hjemmeplejen",
        need="Mange korte besøg bruger tid på kørsel.",
        committee=copenhagen.committee,
    )
    return services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 4",
        transition="mandate",
        outcome="approved",
        resolution="Udvalget giver mandat.",
        value_direction="Borgerne skal opleve mere selvbestemmelse.",
        apply_transition=True,
    ).innovation


def test_every_changelist_and_change_page_renders_for_a_superuser(client, superuser, mandated):
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        first = model_admin.get_queryset(response.wsgi_request).first()
        if first is not None:
            assert client.get(admin_url(model, "change", first.pk)).status_code == 200, model


@pytest.mark.parametrize("model", [Decision, TransitionLog])
def test_the_decision_trail_cannot_be_added_changed_or_deleted_via_the_admin(
    client, superuser, mandated, model
):
    client.force_login(superuser)
    record = model.objects.get(innovation=mandated)

    assert client.get(admin_url(model, "add")).status_code == 403
    page = client.get(admin_url(model, "change", record.pk))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.post(admin_url(model, "change", record.pk), {}).status_code == 403
    assert client.post(admin_url(model, "delete", record.pk), {"post": "yes"}).status_code == 403
    bulk = client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)

    assert model.objects.filter(pk=record.pk).count() == 1


def test_the_phase_of_an_innovation_cannot_be_edited_in_the_admin(client, superuser, mandated):
    client.force_login(superuser)
    response = client.post(
        admin_url(Innovation, "change", mandated.pk),
        {"title": "Ændret", "state": State.COMPLETED},
    )
    assert response.status_code == 403
    mandated.refresh_from_db()
    assert mandated.state == State.EXPLORING and mandated.title == "Skærmbesøg i hjemmeplejen"
    assert client.get(admin_url(Innovation, "add")).status_code == 403


def test_an_administrator_sees_and_chooses_only_their_own_organisation(
    client, copenhagen, aarhus, mandated
):
    administrator = aarhus.administrator
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    administrator.user_permissions.set(
        Permission.objects.filter(
            codename__in=["view_committee", "add_committee", "view_innovation", "view_decision"]
        )
    )
    client.force_login(administrator)

    committees = client.get(admin_url(Committee, "changelist")).context["cl"].result_list
    assert {c.organisation_id for c in committees} == {aarhus.organisation.pk}
    assert not client.get(admin_url(Innovation, "changelist")).context["cl"].result_list
    assert not client.get(admin_url(Decision, "changelist")).context["cl"].result_list
    # Another organisation's row is not found, not shown.
    assert client.get(admin_url(Committee, "change", copenhagen.committee.pk)).status_code == 302
    choices = (
        client.get(admin_url(Committee, "add")).context["adminform"].form.fields["organisation"]
    )
    assert list(choices.queryset) == [aarhus.organisation]


def test_an_administrator_cannot_make_a_superuser_or_move_a_person_out(client, copenhagen, aarhus):
    administrator = aarhus.administrator
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    administrator.user_permissions.set(
        Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(administrator)
    official = aarhus.official

    response = client.post(
        admin_url(User, "change", official.pk),
        {
            "username": official.username,
            "first_name": "Ny",
            "last_name": "Embedsmand",
            "email": official.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "organisation": copenhagen.organisation.pk,
            "role": Role.OFFICIAL,
            "language": "da",
            "reminder_delivery": "immediate",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    official.refresh_from_db()
    # the organisation offered is only their own: another is not a valid choice
    assert response.status_code == 200 and "organisation" in response.context["adminform"].errors
    assert official.first_name != "Ny" and not official.is_superuser
    response = client.post(
        admin_url(User, "change", official.pk),
        {
            "username": official.username,
            "first_name": "Ny",
            "last_name": "Embedsmand",
            "email": official.email,
            "is_active": "on",
            "is_superuser": "on",
            "organisation": aarhus.organisation.pk,
            "role": Role.OFFICIAL,
            "language": "da",
            "reminder_delivery": "immediate",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.first_name == "Ny" and not official.is_superuser
    # and a person of another organisation is not found
    assert client.get(admin_url(User, "change", copenhagen.official.pk)).status_code == 302


def test_a_refusal_by_the_services_is_shown_in_the_admin_not_a_server_error(client, copenhagen):
    # given a secretary who is staff with the right to change reminder policies in the admin
    from reminders.models import ReminderPolicy
    from reminders.services import policy_for

    secretary = copenhagen.secretary
    secretary.is_staff = True
    secretary.save(update_fields=["is_staff"])
    secretary.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_reminderpolicy", "change_reminderpolicy"])
    )
    policy = policy_for(copenhagen.organisation)
    client.force_login(secretary)

    # when she changes the policy
    response = client.post(
        admin_url(ReminderPolicy, "change", policy.pk),
        {
            "organisation": copenhagen.organisation.pk,
            "days_before": "[10, 2]",
            "on_due_day": "on",
            "overdue_every_days": 7,
            "escalate_after_days_overdue": 14,
            "send_hour": 8,
            "digest_time": "07:30",
        },
        follow=True,
    )

    # then the service refuses her (she is not an administrator) and the admin says so
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert any("administrator" in text.lower() for text in shown), shown
    policy.refresh_from_db()
    assert policy.days_before == [14, 3]
