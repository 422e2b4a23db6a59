"""Load the 98 municipalities and 5 regions, with a council committee for each."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "organisations.csv"


def read_organisations():
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(apps, schema_editor):
    Organisation = apps.get_model("organisations", "Organisation")
    Committee = apps.get_model("organisations", "Committee")
    rows = read_organisations()
    by_code = {}
    for row in sorted(rows, key=lambda r: r["kind"] != "region"):
        organisation, _ = Organisation.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "name": row["name"],
                "region": by_code.get(row["region_code"]) if row["region_code"] else None,
            },
        )
        by_code[row["code"]] = organisation
        council_name = "Regionsrådet" if row["kind"] == "region" else "Kommunalbestyrelsen"
        if not Committee.objects.filter(organisation=organisation, is_council=True).exists():
            Committee.objects.create(organisation=organisation, name=council_name, is_council=True)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
