"""An operator lets an organisation's administrator into the Django admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from organisations.admin_access import ADMINISTRATORS_GROUP

pytestmark = pytest.mark.django_db


def test_the_administrators_group_exists_after_migrate_with_the_reminder_settings():
    group = Group.objects.get(name=ADMINISTRATORS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_reminderpolicy", "add_checkpointrule", "change_membership"} <= codenames
    assert "change_decision" not in codenames and "change_innovation" not in codenames


def test_operator_grants_an_administrator_admin_access_who_then_changes_the_reminder_policy(
    client, copenhagen
):
    from reminders.models import ReminderPolicy
    from reminders.services import policy_for

    administrator = copenhagen.administrator
    client.force_login(administrator)
    policy = policy_for(copenhagen.organisation)
    change_url = reverse("admin:reminders_reminderpolicy_change", args=[policy.pk])
    assert client.get(change_url).status_code == 302  # not staff yet: sent to the admin login

    call_command("grant_admin_access", administrator.username)

    response = client.post(
        change_url,
        {
            "organisation": copenhagen.organisation.pk,
            "days_before": "[10, 2]",
            "on_due_day": "on",
            "overdue_every_days": 7,
            "escalate_after_days_overdue": 14,
            "send_hour": 8,
            "digest_time": "07:30",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert ReminderPolicy.objects.get(pk=policy.pk).days_before == [10, 2]


def test_a_secretary_is_not_given_admin_access(copenhagen):
    with pytest.raises(CommandError, match="administrator"):
        call_command("grant_admin_access", copenhagen.secretary.username)
    copenhagen.secretary.refresh_from_db()
    assert not copenhagen.secretary.is_staff


def test_an_unknown_username_is_a_clear_error():
    with pytest.raises(CommandError, match="No person"):
        call_command("grant_admin_access", "nobody-here")
