"""Every organisation starts with the default reminder policy and checkpoint rules.

The values are written out here (not imported) so this migration keeps meaning what it
meant when it was written. Organisations created later get the same on demand
(``reminders.services.policy_for``).
"""

from django.db import migrations

DEFAULT_RULES = [
    ("exploring", "follow_up", 90, 90, "committee"),
    ("testing", "follow_up", 60, 60, "committee"),
    ("testing", "documentation", 30, None, "owner"),
    ("implementing", "follow_up", 90, None, "committee"),
    ("evaluating", "evaluation", 60, None, "owner"),
    ("evaluating", "decision", 90, None, "committee"),
]


def seed(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    ReminderPolicy = apps.get_model("reminders", "ReminderPolicy")
    CheckpointRule = apps.get_model("reminders", "CheckpointRule")
    have_policy = set(ReminderPolicy.objects.values_list("organisation_id", flat=True))
    have_rules = set(CheckpointRule.objects.values_list("organisation_id", flat=True))
    organisation_ids = list(Organisation.objects.values_list("pk", flat=True))
    ReminderPolicy.objects.bulk_create(
        ReminderPolicy(organisation_id=pk) for pk in organisation_ids if pk not in have_policy
    )
    CheckpointRule.objects.bulk_create(
        CheckpointRule(
            organisation_id=pk,
            state=state,
            kind=kind,
            due_after_days=due,
            repeat_every_days=repeat,
            responsible=responsible,
        )
        for pk in organisation_ids
        if pk not in have_rules
        for state, kind, due, repeat, responsible in DEFAULT_RULES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("organisations", "0002_load_organisations"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
