"""The catalogue, sharing, reuse, documentation and the barometer through the REST API."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from innovations.models import Innovation

from ..catalogue_world import evaluation_of, shared_innovation
from ..factories import InnovationFactory, UserFactory
from ..lifecycle import innovation_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


PDF_BYTES = b"%PDF-1.7\n%%EOF\n"


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_a_politician_searches_the_catalogue_and_reads_an_entry(copenhagen, aarhus):
    found = shared_innovation(copenhagen, title="Velfærdsteknologi i ældreplejen")
    shared_innovation(copenhagen, title="Cykelstier")
    InnovationFactory(committee=copenhagen.committee, title="Ikke delt ældrepleje")
    api = client_for(aarhus.politician)

    response = api.get("/api/v1/catalogue/", {"q": "ældrepleje"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 1
    [entry] = body["results"]
    assert entry["id"] == found.pk
    assert entry["organisation_name"] == "København"
    assert entry["region_code"] == "1084"
    assert "<mark>ældreplejen</mark>" in entry["title_highlight"]
    assert api.get(f"/api/v1/catalogue/{found.pk}/").json()["title"] == found.title


def test_the_catalogue_filters_and_refuses_unknown_choices(copenhagen, aarhus):
    evaluated = shared_innovation(copenhagen, title="Evalueret")
    evaluation_of(evaluated, copenhagen.official)
    shared_innovation(copenhagen, title="Uevalueret")
    api = client_for(aarhus.official)

    response = api.get("/api/v1/catalogue/", {"evaluated": "true"})
    assert [e["title"] for e in response.json()["results"]] == ["Evalueret"]
    assert response.json()["results"][0]["evaluation"]["method"] == "internal"

    bad = api.get("/api/v1/catalogue/", {"phase": "flying"})
    assert bad.status_code == 400
    assert "phase" in bad.json()["errors"]


def test_an_unshared_innovation_is_404_in_the_catalogue(copenhagen, aarhus):
    hidden = InnovationFactory(committee=copenhagen.committee)
    api = client_for(aarhus.official)

    assert api.get(f"/api/v1/catalogue/{hidden.pk}/").status_code == 404
    assert api.post(f"/api/v1/catalogue/{hidden.pk}/reuse/", {}, format="json").status_code == 404


def test_the_catalogue_needs_a_signed_in_person(copenhagen):
    shared_innovation(copenhagen)
    assert APIClient().get("/api/v1/catalogue/").status_code in (401, 403)


def test_an_administrator_shares_and_unshares_and_an_official_may_not(copenhagen, aarhus):
    innovation = InnovationFactory(committee=copenhagen.committee, title="Madspild")
    url = f"/api/v1/innovations/{innovation.pk}/"

    denied = client_for(copenhagen.official).post(
        url + "share/", {"contact_role": "Konsulent"}, format="json"
    )
    assert denied.status_code == 403
    foreign = client_for(aarhus.administrator).post(url + "share/", {}, format="json")
    assert foreign.status_code == 404
    missing = client_for(copenhagen.administrator).post(url + "share/", {}, format="json")
    assert missing.status_code == 400 and "contact_role" in missing.json()["errors"]

    admin = client_for(copenhagen.administrator)
    shared = admin.post(
        url + "share/",
        {"contact_role": "Konsulent, Teknik", "shared_summary": "Halveret madspild."},
        format="json",
    )
    assert shared.status_code == 200, shared.content
    assert shared.json()["shared"] is True
    assert client_for(aarhus.official).get("/api/v1/catalogue/").json()["count"] == 1

    unshared = admin.post(url + "unshare/")
    assert unshared.status_code == 200 and unshared.json()["shared"] is False
    assert client_for(aarhus.official).get("/api/v1/catalogue/").json()["count"] == 0


def test_an_official_reuses_from_the_catalogue(copenhagen, aarhus):
    origin = shared_innovation(copenhagen, title="Skærmbesøg")

    response = client_for(aarhus.official).post(
        f"/api/v1/catalogue/{origin.pk}/reuse/",
        {"committee": aarhus.committee.pk, "named": True},
        format="json",
    )

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "need"
    assert created["reused_from"] == origin.pk
    assert created["organisation"] == aarhus.organisation.pk
    assert created["committee"] == aarhus.committee.pk
    entry = client_for(aarhus.politician).get(f"/api/v1/catalogue/{origin.pk}/").json()
    assert entry["reuse_count"] == 1 and entry["named_reusers"] == ["Aarhus"]
    # another organisation's committee is refused like any committee one cannot see
    again = client_for(aarhus.administrator).post(
        f"/api/v1/catalogue/{origin.pk}/reuse/",
        {"committee": copenhagen.committee.pk},
        format="json",
    )
    assert again.status_code == 400


def test_documents_upload_download_and_limits(copenhagen, aarhus, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    url = f"/api/v1/innovations/{innovation.pk}/documents/"
    api = client_for(copenhagen.official)

    uploaded = api.post(
        url,
        {"title": "Statusnotat", "file": SimpleUploadedFile("notat.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    document = uploaded.json()
    assert document["content_type"] == "application/pdf"
    assert document["size"] == len(PDF_BYTES)

    download = api.get(f"/api/v1/documents/{document['id']}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "notat.pdf" in download["Content-Disposition"]
    # another organisation neither lists nor downloads it
    other = client_for(aarhus.administrator)
    assert other.get(url).status_code == 404
    assert other.get(f"/api/v1/documents/{document['id']}/file/").status_code == 404

    refused = api.post(
        url,
        {"title": "Virus", "file": SimpleUploadedFile("notat.pdf", b"MZ not a pdf")},
        format="multipart",
    )
    assert refused.status_code == 400
    assert "content is not a pdf file" in refused.json()["errors"]["file"][0]

    linked = api.post(
        url, {"title": "Sagen", "link": "https://esdh.kk.dk/sag/1", "kind": "other"}, format="json"
    )
    assert linked.status_code == 201 and linked.json()["download"] is None
    assert [d["title"] for d in api.get(url).json()] == ["Sagen", "Statusnotat"]


def test_a_body_far_above_the_limit_is_refused_before_it_is_read(copenhagen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SPOR_DOCUMENT_MAX_BYTES = 1024
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)

    response = client_for(copenhagen.official).post(
        f"/api/v1/innovations/{innovation.pk}/documents/",
        {"title": "Stor", "file": SimpleUploadedFile("stor.pdf", PDF_BYTES + b"0" * 200_000)},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["The largest file you can upload is 1 KB."]


def test_status_reports_and_evaluations(copenhagen):
    # an evaluation is submitted in the phase evaluating; the official raised the need
    innovation = innovation_in(copenhagen, "evaluating")
    assert innovation.owner == copenhagen.official
    assert innovation.intended_values == ["quality", "citizen_satisfaction"]
    base = f"/api/v1/innovations/{innovation.pk}/"
    api = client_for(copenhagen.official)

    report = api.post(
        base + "status-reports/",
        {"assessment": "on_track", "summary": "Pilot i gang på to plejecentre."},
        format="json",
    )
    assert report.status_code == 201, report.content

    evaluation = api.post(
        base + "evaluations/",
        {
            "method": "external",
            "effects": {
                "quality": {"effect": "improved", "basis": "measured"},
                "citizen_satisfaction": {"effect": "unknown", "text": "Ikke målt endnu."},
            },
            "learning": "Start småt.",
            "spreading": "recommended",
            "verdict": "realised",
            "verdict_why": "Ventetiden faldt.",
        },
        format="json",
    )
    assert evaluation.status_code == 201, evaluation.content
    assert evaluation.json()["effects"]["citizen_satisfaction"]["effect"] == "unknown"
    # every intended value is stated, "unknown" with a reason at the least
    silent = api.post(
        base + "evaluations/",
        {
            "method": "external",
            "effects": {"quality": {"effect": "improved"}},
            "learning": "Start småt.",
        },
        format="json",
    )
    assert silent.status_code == 400, silent.content
    assert len(api.get(base + "evaluations/").json()) == 1

    wrong = api.post(
        base + "evaluations/",
        {"method": "external", "effects": {"happiness": {"effect": "improved"}}},
        format="json",
    )
    assert wrong.status_code == 400
    denied = client_for(copenhagen.politician).post(
        base + "evaluations/", {"method": "internal"}, format="json"
    )
    assert denied.status_code == 403


def test_the_barometer_as_json_and_csv(copenhagen, aarhus):
    innovation = InnovationFactory(committee=copenhagen.committee, collaborators=["citizens"])
    InnovationFactory(committee=copenhagen.committee)
    assert Innovation.objects.filter(organisation=copenhagen.organisation).count() == 2
    api = client_for(copenhagen.politician)

    body = api.get("/api/v1/barometer/").json()
    assert body["organisation"]["code"] == "0101"
    figures = {f["key"]: f for f in body["figures"]}
    assert figures["collaboration"]["count"] == 1 and figures["collaboration"]["share"] == 50.0
    assert figures["reused"]["national_share"] == 73
    assert body["editions"][0]["name"] == "Innovationsbarometeret, 1st edition"

    response = api.get("/api/v1/barometer/csv/", {"format": "rfc4180"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = {row[2]: row for row in csv.reader(io.StringIO(response.content.decode())) if row}
    assert rows["collaboration"][3:6] == ["1", "2", "50.0"]

    # another organisation's barometer, and the national view, are not for everyone
    other = api.get("/api/v1/barometer/", {"organisation": aarhus.organisation.pk})
    assert other.status_code == 404
    assert api.get("/api/v1/barometer/", {"national": "true"}).status_code == 403
    bad = api.get("/api/v1/barometer/", {"start": "2026-06-01", "end": "2026-01-01"})
    assert bad.status_code == 400
    superuser = UserFactory(organisation=None, role="", is_superuser=True)
    national = client_for(superuser).get("/api/v1/barometer/", {"national": "true"}).json()
    assert national["organisation"] is None
    assert national["per_organisation"][0]["organisation"]["code"] == "0101"
    assert innovation.pk


def test_the_reusing_administrator_decides_whether_to_be_named(copenhagen, aarhus):
    origin = shared_innovation(copenhagen, title="Skærmbesøg")
    reuse = client_for(aarhus.official).post(f"/api/v1/catalogue/{origin.pk}/reuse/", {}).json()
    url = f"/api/v1/innovations/{reuse['id']}/reuse-naming/"

    assert client_for(aarhus.official).post(url, {"named": True}).status_code == 403
    assert client_for(copenhagen.administrator).post(url, {"named": True}).status_code == 404
    named = client_for(aarhus.administrator).post(url, {"named": True}, format="json")

    assert named.status_code == 200, named.content
    assert named.json() == {"innovation": reuse["id"], "origin": origin.pk, "named": True}
    entry = client_for(copenhagen.official).get(f"/api/v1/catalogue/{origin.pk}/").json()
    assert entry["named_reusers"] == ["Aarhus"]
