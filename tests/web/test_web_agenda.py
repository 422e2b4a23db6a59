"""The secretary imports a published agenda, logs the meeting from its items and hands
draft agenda items back to the meeting system."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from agenda.models import AgendaItem
from decisions import services as decision_services
from decisions.models import Decision
from organisations.models import Meeting
from tests.factories import InnovationFactory

pytestmark = pytest.mark.django_db


def ocd_event(committee_name: str, day: datetime.date, *, event_id: str = "ocd-event/aa-1") -> dict:
    return {
        "_type": "event",
        "id": event_id,
        "name": f"Møde i {committee_name}",
        "start_date": f"{day.isoformat()}T16:30:00+01:00",
        "location": {"name": "Rådhuset, lokale 2"},
        "participants": [{"entity_type": "organization", "name": committee_name, "note": "host"}],
        "agenda": [
            {"order": "1", "description": "Godkendelse af dagsorden", "id": "item-a"},
            {
                "order": "2",
                "description": "Skærmbesøg i hjemmeplejen – status",
                "id": "item-b",
                "extras": {"case_number": "25/00077", "kle_code": "27.24.00"},
            },
            {
                "order": "3",
                "description": "Personalesag",
                "id": "item-c",
                "classification": ["lukket"],
            },
        ],
    }


def upload(client, content: bytes, name: str = "dagsorden.json"):
    return client.post(
        "/meetings/import/",
        {"action": "preview", "file": SimpleUploadedFile(name, content)},
    )


def test_the_secretary_previews_then_imports_and_records_from_an_item(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee, case_number="25/00077")
    today = timezone.localdate()
    client.force_login(copenhagen.secretary)
    body = json.dumps({"events": [ocd_event(copenhagen.committee.name, today)]}).encode()

    # given the preview, nothing is written yet
    preview = upload(client, body)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Skærmbesøg i hjemmeplejen – status" in page
    assert "ocd-event/aa-1" in page
    assert not AgendaItem.objects.exists()

    # when the secretary confirms, the meeting registered by hand gets the agenda
    confirmed = client.post("/meetings/import/", {"action": "confirm"})
    assert confirmed.status_code == 302
    meeting = Meeting.objects.get(external_id="ocd-event/aa-1")
    assert meeting.pk == copenhagen.meeting.pk
    assert meeting.location == "Rådhuset, lokale 2"
    assert meeting.start_time == datetime.time(16, 30)
    item = AgendaItem.objects.get(external_id="item-b")
    assert item.innovation == innovation and item.closed is False
    assert AgendaItem.objects.get(external_id="item-c").closed is True

    # the meeting page lists the items; choosing one pre-fills the decision form
    listed = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Godkendelse af dagsorden" in listed and "25/00077" in listed
    chosen = client.get(f"/meetings/{meeting.pk}/?item={item.pk}").content.decode()
    assert re.search(rf'<option value="{innovation.pk}"[^>]*\bselected\b', chosen)
    assert 'value="2. Skærmbesøg i hjemmeplejen – status"' in chosen
    assert 'value="25/00077"' in chosen

    # and the decision recorded from that form is taken on the item
    recorded = client.post(
        f"/meetings/{meeting.pk}/",
        {
            "kind": "decision",
            "decision-innovation": innovation.pk,
            "decision-agenda_item": "2. Skærmbesøg i hjemmeplejen – status",
            "decision-agenda_entry": item.pk,
            "decision-case_number": "25/00077",
            "decision-outcome": "postponed",
            "decision-resolution": "Udvalget udsatte punktet.",
        },
    )
    assert recorded.status_code == 302, recorded.content.decode()[:2000]
    decision = Decision.objects.get()
    assert decision.agenda_entry == item
    assert decision.case_number == "25/00077"
    assert decision.kle_code == "27.24.00"


def test_a_bad_file_is_refused_with_a_clear_error_and_loses_nothing(client, copenhagen):
    client.force_login(copenhagen.secretary)
    today = timezone.localdate()
    good = json.dumps([ocd_event(copenhagen.committee.name, today)]).encode()
    upload(client, good)
    client.post("/meetings/import/", {"action": "confirm"})
    before = list(AgendaItem.objects.order_by("pk").values_list("pk", "number", "title"))

    broken = upload(client, b'{"events": [ {"id": "x", ')
    assert broken.status_code == 200
    assert (
        "Nothing was imported" in broken.content.decode() or "Intet blev" in broken.content.decode()
    )

    unknown = ocd_event("Et udvalg der ikke findes", today, event_id="ocd-event/bb")
    refused = upload(client, json.dumps(unknown).encode())
    assert "Et udvalg der ikke findes" in refused.content.decode()

    bad_kle = ocd_event(copenhagen.committee.name, today)
    bad_kle["agenda"][1]["extras"]["kle_code"] = "ikke-en-kode"
    refused = upload(client, json.dumps(bad_kle).encode())
    assert "kle_code" in refused.content.decode()

    assert list(AgendaItem.objects.order_by("pk").values_list("pk", "number", "title")) == before


def test_people_outside_the_committees_secretariat_cannot_import(client, copenhagen):
    client.force_login(copenhagen.politician)
    assert client.get("/meetings/import/").status_code == 403


def test_the_import_command_shows_the_plan_and_applies_only_when_asked(copenhagen, tmp_path):
    day = timezone.localdate() + datetime.timedelta(days=14)
    path = tmp_path / "dagsorden.csv"
    path.write_text(
        "\ufeffmeeting_id;committee;date;start_time;location;item_id;number;title;case_number;kle_code;closed;innovation\n"
        f"SBSYS-7;{copenhagen.committee.name};{day};09:00;Rådhuset;i1;1;Meddelelser;;;;\n"
        f"SBSYS-7;{copenhagen.committee.name};{day};09:00;Rådhuset;i2;2;Lukket sag;26/1;27.24.00;ja;\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_agenda", str(path), "--as", copenhagen.secretary.username, stdout=out)
    assert "new meeting SBSYS-7" in out.getvalue() and "+ 2. Lukket sag" in out.getvalue()
    assert not Meeting.objects.filter(external_id="SBSYS-7").exists()

    call_command(
        "import_agenda", str(path), "--as", copenhagen.secretary.username, "--apply", stdout=out
    )
    meeting = Meeting.objects.get(external_id="SBSYS-7")
    assert list(meeting.agenda_items.values_list("number", "closed")) == [("1", False), ("2", True)]

    out = io.StringIO()
    call_command(
        "import_agenda", str(path), "--as", copenhagen.secretary.username, "--apply", stdout=out
    )
    assert "unchanged" in out.getvalue() and "applied: 0 of 1" in out.getvalue()

    path.write_text("meeting_id;committee;date;number;title\nX;Intet;2026-13-01;1;A\n")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_agenda", str(path), "--as", copenhagen.secretary.username, "--apply")


def test_the_draft_agenda_item_tells_the_story_as_html_and_word(client, copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        need="Lange ventetider på hjemmehjælp om morgenen.",
        case_number="24/9999",
        kle_code="27.24.00",
    )
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 3",
        outcome="approved",
        transition="mandate",
        resolution="Udvalget giver mandat til at udforske løsninger.",
        value_direction="Mere tid til borgeren.",
        apply_transition=True,
    )
    client.force_login(copenhagen.secretary)
    url = f"/meetings/{copenhagen.meeting.pk}/drafts/{innovation.pk}/decision/"

    html = client.get(url).content.decode()
    for text in (
        "Lange ventetider på hjemmehjælp om morgenen.",
        "Mere tid til borgeren.",
        "Udvalget giver mandat til at udforske løsninger.",
        "24/9999",
    ):
        assert text in html

    word = client.get(url + "?format=docx")
    assert word.status_code == 200
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    from docx import Document

    document = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Lange ventetider på hjemmehjælp om morgenen." in text
    assert "Mere tid til borgeren." in text
    assert "24/9999" in text

    client.force_login(copenhagen.politician)
    assert client.get(url).status_code == 403


def test_the_secretary_records_attendance_on_the_web(client, copenhagen):
    client.force_login(copenhagen.secretary)
    meeting = copenhagen.meeting
    page = client.get(f"/meetings/{meeting.pk}/attendance/")
    assert page.status_code == 200

    response = client.post(
        f"/meetings/{meeting.pk}/attendance/",
        {
            f"status-{copenhagen.politician.pk}": "absent",
            f"status-{copenhagen.chair.pk}": "present",
            f"party-{copenhagen.chair.pk}": "A",
        },
    )
    assert response.status_code == 302
    assert {(a.person_id, a.status) for a in meeting.attendance.all()} == {
        (copenhagen.politician.pk, "absent"),
        (copenhagen.chair.pk, "present"),
    }

    # the chair declares themselves disqualified on an item and leaves
    from agenda.models import AgendaItem, Disqualification

    item = AgendaItem.objects.create(meeting=meeting, number="4", title="Byggesag")
    assert "Byggesag" in client.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    saved = client.post(
        f"/meetings/{meeting.pk}/attendance/",
        {"action": "disqualify", "item": item.pk, "person": [copenhagen.chair.pk]},
    )
    assert saved.status_code == 302
    assert list(Disqualification.objects.values_list("agenda_item", "person")) == [
        (item.pk, copenhagen.chair.pk)
    ]


def test_case_numbers_are_searchable_and_in_the_exports(client, copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee, case_number="27.24.00-G01-12/2026", kle_code="27.24.00"
    )
    InnovationFactory(committee=copenhagen.committee, title="Noget andet")
    decision_services.record_decision(
        actor=copenhagen.secretary,
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="Punkt 1",
        outcome="postponed",
        resolution="Udsat.",
    )
    client.force_login(copenhagen.administrator)

    found = client.get("/innovations/?q=12/2026").content.decode()
    assert innovation.title in found and "Noget andet" not in found

    decisions_csv = client.get("/portfolio/decisions.csv?format=rfc4180")
    body = (
        b"".join(decisions_csv.streaming_content)
        if decisions_csv.streaming
        else decisions_csv.content
    )
    header, row = body.decode().splitlines()[:2]
    assert "case_number" in header and "27.24.00-G01-12/2026" in row
    portfolio_csv = client.get("/portfolio/innovations.csv?format=rfc4180")
    body = (
        b"".join(portfolio_csv.streaming_content)
        if portfolio_csv.streaming
        else portfolio_csv.content
    )
    assert "27.24.00-G01-12/2026" in body.decode()

    from rest_framework.test import APIClient

    from tests.factories import api_key_for

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(copenhagen.administrator)}")
    listed = api.get("/api/v1/innovations/", {"case_number": "27.24.00-G01-12/2026"}).json()
    assert [i["id"] for i in listed["results"]] == [innovation.pk]
    assert listed["results"][0]["case_number"] == "27.24.00-G01-12/2026"
    decisions = api.get("/api/v1/decisions/", {"case_number": "27.24.00-G01-12/2026"}).json()
    assert decisions["results"][0]["case_number"] == "27.24.00-G01-12/2026"
    assert decisions["results"][0]["kle_code"] == "27.24.00"
