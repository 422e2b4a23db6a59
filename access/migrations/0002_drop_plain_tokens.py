"""DRF's authtoken kept every key in plain text and forever. Spor no longer installs it; its
table and its migration history go, so no old key can be read or used again. The owners
create named tokens instead (the key shown once, stored hashed)."""

from django.db import migrations

DROP = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [("access", "0001_api_tokens")]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in DROP]
