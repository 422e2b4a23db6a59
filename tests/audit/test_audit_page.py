"""The audit where people read it: the innovation's timeline and the administrator's page.

Story: an official renames an innovation and an administrator changes its budget; the
innovation's timeline shows both changes, field by field, in Danish. Copenhagen's
administrator opens the audit page, filters by period, object type and person, and downloads
the CSV; Aarhus' changes are not there, and a secretary cannot open the page at all.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from innovations import services as innovations
from innovations.models import Innovation
from reminders import services as reminders
from reminders.models import ReminderPolicy

from ..lifecycle import raise_need

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(copenhagen, aarhus):
    innovation = raise_need(copenhagen)
    innovations.update_innovation(
        actor=copenhagen.official, innovation=innovation, title="Genoptræning med skærm"
    )
    innovations.update_innovation(
        actor=copenhagen.administrator, innovation=innovation, kle_code="27.24.00"
    )
    reminders.update_policy(
        actor=copenhagen.administrator, organisation=copenhagen.organisation, send_hour=9
    )
    elsewhere = raise_need(aarhus, title="Aarhus' eget projekt")
    innovations.update_innovation(actor=aarhus.official, innovation=elsewhere, title="Hemmelig")
    return innovation


def test_the_innovations_timeline_shows_its_changes_field_by_field(client, copenhagen, changed):
    client.force_login(copenhagen.secretary)

    page = client.get(reverse("innovation_detail", args=[changed.pk])).content.decode()

    assert "Titel: Digital genoptræning i eget hjem → Genoptræning med skærm" in page
    timeline = client.get(f"/api/v1/innovations/{changed.pk}/timeline/").json()
    audit = [entry["audit"] for entry in timeline if entry["type"] == "audit"]
    assert [a["changes"] for a in audit] == [
        {"title": ["Digital genoptræning i eget hjem", "Genoptræning med skærm"]},
        {"kle_code": ["", "27.24.00"]},
    ]
    assert audit[0]["actor"] == copenhagen.official.pk


def test_the_administrator_sees_their_organisations_changes_and_filters_them(
    client, copenhagen, changed
):
    client.force_login(copenhagen.administrator)
    url = reverse("audit")

    everything = client.get(url)
    assert everything.status_code == 200
    assert everything.context["page"].paginator.count == 3
    assert "Hemmelig" not in everything.content.decode()

    innovation_type = ContentType.objects.get_for_model(Innovation).pk
    only_innovations = client.get(url, {"object_type": innovation_type})
    assert only_innovations.context["page"].paginator.count == 2
    by_administrator = client.get(url, {"person": copenhagen.administrator.pk})
    assert by_administrator.context["page"].paginator.count == 2
    policy_type = ContentType.objects.get_for_model(ReminderPolicy).pk
    both = client.get(url, {"person": copenhagen.administrator.pk, "object_type": policy_type})
    assert both.context["page"].paginator.count == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert client.get(url, {"period_from": tomorrow}).context["page"].paginator.count == 0
    assert client.get(url, {"period_to": tomorrow}).context["page"].paginator.count == 3


def test_the_audit_csv_has_one_row_per_changed_field(client, copenhagen, changed):
    client.force_login(copenhagen.administrator)

    response = client.get(
        reverse("audit_csv"), {"person": copenhagen.official.pk, "format": "rfc4180"}
    )

    text = b"".join(response.streaming_content).decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["id", "at", "person"]
    assert len(rows) == 1
    assert rows[0][-3:] == ["Titel", "Digital genoptræning i eget hjem", "Genoptræning med skærm"]

    # the default form opens in Danish Excel: BOM, semicolons, Danish headers
    excel = client.get(reverse("audit_csv"), {"person": copenhagen.official.pk})
    text = b"".join(excel.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert header[:3] == ["Id", "Hvornår", "Person"]
    assert len(rows) == 1


def test_only_administrators_open_the_audit(client, copenhagen, changed):
    client.force_login(copenhagen.secretary)
    assert client.get(reverse("audit")).status_code == 403
    assert client.get(reverse("audit_csv")).status_code == 403


def test_the_audit_page_in_english(client, copenhagen, changed):
    copenhagen.administrator.language = "en"
    copenhagen.administrator.save(update_fields=["language"])
    client.force_login(copenhagen.administrator)

    page = client.get(reverse("audit")).content.decode()

    assert "Title: Digital genoptræning i eget hjem → Genoptræning med skærm" in page
    assert "Download the audit (CSV)" in page
