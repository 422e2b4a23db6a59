"""Files: an office file that unpacks to far more than it weighs is refused before it is read.

An attacker with an ordinary account uploads a 300 KB ``.odt`` whose ``mimetype`` member
unpacks to 300 MB. The type check must decide from the zip's central directory (sizes and
number of members) and never inflate such a member into memory.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from innovations.models import Document

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db

UNPACKED = 300 * 1024 * 1024
MEMORY_BUDGET = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def zip_bomb_odt() -> bytes:
    """About 300 KB on disk; its ``mimetype`` member is 300 MB of the declared type plus zeros.

    Written in chunks, so building it does not itself take 300 MB.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as member:
            member.write(b"application/vnd.oasis.opendocument.text")
            chunk = b"\0" * (1024 * 1024)
            for _ in range(UNPACKED // len(chunk)):
                member.write(chunk)
        archive.writestr("content.xml", "<x/>")
    data = buffer.getvalue()
    assert len(data) < 400 * 1024
    return data


def many_members_odt(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        for number in range(count):
            archive.writestr(f"p/{number}.xml", "")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def innovation(copenhagen):
    copenhagen.official.language = "en"
    copenhagen.official.save(update_fields=["language"])
    return InnovationFactory(committee=copenhagen.committee, owner=copenhagen.official)


def _peak_during(call):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak - before


def test_a_zip_bomb_uploaded_on_the_web_form_is_refused_without_inflating_it(
    client, copenhagen, innovation, media, zip_bomb_odt
):
    client.force_login(copenhagen.official)
    url = reverse("innovation_documents", args=[innovation.pk])

    response, growth = _peak_during(
        lambda: client.post(
            url,
            {
                "document-title": "Notat",
                "document-kind": "documentation",
                "document-file": SimpleUploadedFile("Notat.odt", zip_bomb_odt),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )

    assert growth < MEMORY_BUDGET, f"the upload grew memory by {growth / 2**20:.0f} MB"
    assert response.status_code == 400
    assert "unpacks to more than" in response.content.decode()
    assert not Document.objects.exists()


def test_a_zip_bomb_uploaded_through_the_api_is_refused_with_a_clear_error(
    copenhagen, innovation, media, zip_bomb_odt
):
    api = APIClient()
    api.force_authenticate(copenhagen.official)
    url = f"/api/v1/innovations/{innovation.pk}/documents/"

    response, growth = _peak_during(
        lambda: api.post(
            url,
            {
                "title": "Notat",
                "kind": "documentation",
                "file": SimpleUploadedFile("Notat.odt", zip_bomb_odt),
            },
            format="multipart",
            HTTP_ACCEPT_LANGUAGE="en",
        )
    )

    assert growth < MEMORY_BUDGET, f"the upload grew memory by {growth / 2**20:.0f} MB"
    assert response.status_code == 400, response.content
    assert "unpacks to more than" in response.content.decode()
    assert not Document.objects.exists()


def test_a_zip_with_too_many_members_is_refused(client, copenhagen, innovation, media, settings):
    settings.SPOR_DOCUMENT_MAX_ZIP_MEMBERS = 50
    client.force_login(copenhagen.official)
    response = client.post(
        reverse("innovation_documents", args=[innovation.pk]),
        {
            "document-title": "Notat",
            "document-kind": "documentation",
            "document-file": SimpleUploadedFile("Notat.odt", many_members_odt(60)),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "more than 50 parts" in response.content.decode()
    assert not Document.objects.exists()


def test_an_ordinary_odt_is_still_accepted(client, copenhagen, innovation, media):
    client.force_login(copenhagen.official)
    response = client.post(
        reverse("innovation_documents", args=[innovation.pk]),
        {
            "document-title": "Notat",
            "document-kind": "documentation",
            "document-file": SimpleUploadedFile("Notat.odt", many_members_odt(3)),
        },
    )
    assert response.status_code == 302
    assert Document.objects.get().content_type == "application/vnd.oasis.opendocument.text"
