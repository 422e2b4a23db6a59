from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0009_innovation_case_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="innovation",
            name="raised_by",
            field=models.CharField(
                blank=True,
                choices=[
                    ("politician", "A politician (e.g. a member proposal)"),
                    ("committee", "A committee or the council"),
                    ("administration", "The administration"),
                    ("citizens", "Citizens, companies or other outside parties"),
                ],
                db_default="",
                default="",
                max_length=20,
                verbose_name="the need was raised by",
            ),
        ),
    ]
