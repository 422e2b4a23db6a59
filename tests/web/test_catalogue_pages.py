"""The catalogue, sharing, documentation and barometer pages, as people use them."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from innovations.models import Document, Innovation, StatusReport

from ..catalogue_world import evaluation_of, shared_innovation
from ..factories import InnovationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


def browser_for(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def test_a_politician_searches_and_sees_the_matches_highlighted(copenhagen, aarhus):
    shared_innovation(
        copenhagen,
        title="Velfærdsteknologi i ældreplejen",
        need="Færre besøg, mere <b>nærvær</b>.",
    )

    page = browser_for(aarhus.politician).get("/catalogue/", {"q": "ældrepleje"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "<mark>ældreplejen</mark>" in html
    assert "<b>nærvær</b>" not in html


def test_an_official_reuses_from_the_entry_page(copenhagen, aarhus):
    origin = shared_innovation(copenhagen, title="Skærmbesøg", solution="Video.")
    evaluation_of(origin, copenhagen.official)
    browser = browser_for(aarhus.official)

    entry = browser.get(f"/catalogue/{origin.pk}/")
    assert entry.status_code == 200
    html = entry.content.decode()
    assert "Reuse in my organisation" in html
    # the evaluation reads in words: value, effect and basis
    assert re.search(r"<th[^>]*>Quality</th><td[^>]*>Improved</td><td[^>]*>Measured</td>", html)

    response = browser.post(
        f"/catalogue/{origin.pk}/reuse/", {"committee": aarhus.committee.pk, "named": "on"}
    )

    reuse = Innovation.objects.get(reused_from=origin)
    assert response.status_code == 302 and response["Location"] == f"/innovations/{reuse.pk}/"
    assert reuse.organisation == aarhus.organisation and reuse.state == "need"
    assert "Aarhus" in browser.get(f"/catalogue/{origin.pk}/").content.decode()


def test_a_politician_sees_no_reuse_button_and_an_unshared_entry_is_404(copenhagen, aarhus):
    origin = shared_innovation(copenhagen)
    hidden = InnovationFactory(committee=copenhagen.committee)
    browser = browser_for(aarhus.politician)

    assert (
        "Reuse in my organisation" not in browser.get(f"/catalogue/{origin.pk}/").content.decode()
    )
    assert browser.get(f"/catalogue/{hidden.pk}/").status_code == 404
    assert browser.post(f"/catalogue/{origin.pk}/reuse/", {}).status_code == 403


def test_an_administrator_shares_and_unshares(copenhagen, aarhus):
    innovation = InnovationFactory(committee=copenhagen.committee, title="Madspild")
    admin = browser_for(copenhagen.administrator)
    url = f"/innovations/{innovation.pk}/sharing/"

    assert browser_for(copenhagen.official).get(url).status_code == 403
    assert browser_for(aarhus.administrator).get(url).status_code == 404
    refused = admin.post(url, {"contact_role": ""})
    assert refused.status_code == 400

    assert (
        admin.post(url, {"contact_role": "Konsulent", "shared_summary": "Godt."}).status_code == 302
    )
    assert "Madspild" in browser_for(aarhus.official).get("/catalogue/").content.decode()

    assert admin.post(f"/innovations/{innovation.pk}/unshare/").status_code == 302
    assert "Madspild" not in browser_for(aarhus.official).get("/catalogue/").content.decode()


def test_an_official_uploads_a_document_and_a_status_report(copenhagen, aarhus, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)
    browser = browser_for(copenhagen.official)
    url = f"/innovations/{innovation.pk}/documents/"

    uploaded = browser.post(
        url,
        {
            "document-title": "Statusnotat",
            "document-kind": "documentation",
            "document-file": SimpleUploadedFile("notat.pdf", b"%PDF-1.4\n%%EOF"),
        },
    )
    assert uploaded.status_code == 302
    document = Document.objects.get()
    download = browser.get(f"/documents/{document.pk}/file/")
    assert download.status_code == 200
    assert (
        browser_for(aarhus.administrator).get(f"/documents/{document.pk}/file/").status_code == 404
    )

    refused = browser.post(
        url,
        {
            "document-title": "Omdøbt",
            "document-kind": "other",
            "document-file": SimpleUploadedFile("notat.docx", b"%PDF-1.4\n%%EOF"),
        },
    )
    assert refused.status_code == 400
    assert "its content is not a docx file" in refused.content.decode()

    reported = browser.post(
        f"/innovations/{innovation.pk}/status-reports/",
        {"report-assessment": "on_track", "report-summary": "Alt kører."},
    )
    assert reported.status_code == 302
    assert StatusReport.objects.get().summary == "Alt kører."
    assert "Alt kører." in browser.get(url).content.decode()


def test_a_too_large_upload_is_refused_with_the_limit(copenhagen, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SPOR_DOCUMENT_MAX_BYTES = 1024
    innovation = InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)

    refused = browser_for(copenhagen.official).post(
        f"/innovations/{innovation.pk}/documents/",
        {
            "document-title": "Stor",
            "document-kind": "other",
            "document-file": SimpleUploadedFile("stor.pdf", b"%PDF-" + b"0" * 100_000),
        },
    )

    assert refused.status_code == 400
    assert "The largest file you can upload is 1 KB." in refused.content.decode()
    assert not Document.objects.exists()


def test_the_barometer_page_and_its_csv(copenhagen):
    InnovationFactory(committee=copenhagen.committee, collaborators=["citizens"])
    browser = browser_for(copenhagen.politician)

    page = browser.get("/barometer/")
    assert page.status_code == 200
    html = page.content.decode()
    # the sources in the page's language, not as the data file writes them
    assert "Innovation Barometer, edition 1" in html
    assert 'id="figure-reused"' in html
    copenhagen.politician.language = "da"
    copenhagen.politician.save(update_fields=["language"])
    danish = browser.get("/barometer/").content.decode()
    assert "Innovationsbarometeret, 1. udgave" in danish
    assert "den officielle statistik" in danish
    assert "1st edition" not in danish and "the official statistics" not in danish

    csv_response = browser.get("/barometer.csv")
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")

    assert (
        browser.get("/barometer/", {"start": "2026-05-01", "end": "2026-01-01"}).status_code == 400
    )


def test_a_superuser_sees_the_national_barometer(copenhagen, aarhus):
    InnovationFactory(committee=copenhagen.committee)
    InnovationFactory(committee=aarhus.committee)
    superuser = UserFactory(organisation=None, role="", is_superuser=True, is_staff=True)

    page = browser_for(superuser).get("/barometer/", {"national": "1"})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="barometer-organisations"' in html
    assert "København" in html and "Aarhus" in html


def test_the_reusing_administrator_agrees_to_be_named_on_the_sharing_page(copenhagen, aarhus):
    from innovations.services import reuse_innovation

    origin = shared_innovation(copenhagen, title="Skærmbesøg")
    reuse = reuse_innovation(actor=aarhus.official, origin=origin)
    browser = browser_for(aarhus.administrator)

    page = browser.get(f"/innovations/{reuse.pk}/sharing/")
    assert "This innovation reuses “Skærmbesøg” of København." in page.content.decode()

    saved = browser.post(f"/innovations/{reuse.pk}/reuse-naming/", {"named": "on"})

    assert saved.status_code == 302
    entry = browser_for(copenhagen.politician).get(f"/catalogue/{origin.pk}/").content.decode()
    assert "Among them: Aarhus." in entry


def test_the_catalogue_page_and_api_cost_the_same_queries_for_more_entries(copenhagen, aarhus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from innovations.services import reuse_innovation

    browser = browser_for(aarhus.politician)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(aarhus.politician)

    def cost() -> tuple[int, int]:
        counts = []
        for get in (
            lambda: browser.get("/catalogue/", {"q": "ældreplejen"}),
            lambda: api.get("/api/v1/catalogue/", {"q": "ældreplejen"}),
        ):
            with CaptureQueriesContext(connection) as captured:
                assert get().status_code == 200
            counts.append(len(captured))
        return counts[0], counts[1]

    def add(n: int) -> None:
        for _ in range(n):
            innovation = shared_innovation(copenhagen)
            evaluation_of(innovation, copenhagen.official)
            reuse_innovation(actor=aarhus.official, origin=innovation, named=True)

    add(2)
    few = cost()
    add(6)
    assert cost() == few
