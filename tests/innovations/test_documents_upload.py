"""An official documents an innovation: files within limits, links to the case system,
status reports and the evaluation held against the mandate."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from core.errors import NotFound, PermissionDenied, ValidationFailed
from innovations.models import Document, Evaluation
from innovations.services import submit_document, submit_evaluation, submit_status_report
from reminders.models import Checkpoint
from reminders.services import create_checkpoint

from ..factories import InnovationFactory
from ..lifecycle import innovation_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    """The stories read the English messages; Danish is the default language."""
    with translation.override("en"):
        yield


PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def odt_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def innovation(copenhagen):
    return InnovationFactory(
        committee=copenhagen.committee, owner=copenhagen.official, intended_values=["quality"]
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Statusnotat.pdf", PDF_BYTES, "application/pdf"),
        ("Evaluering.docx", office_file("word/document.xml"), "wordprocessingml"),
        ("Budget.xlsx", office_file("xl/workbook.xml"), "spreadsheetml"),
        ("Oplæg.pptx", office_file("ppt/presentation.xml"), "presentationml"),
        ("Notat.odt", odt_file(), "opendocument.text"),
        ("Foto.PNG", PNG_BYTES, "image/png"),
        ("Foto.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
    ],
)
def test_an_official_uploads_each_allowed_type(
    copenhagen, innovation, media, name, content, content_type
):
    document = submit_document(
        actor=copenhagen.official,
        innovation=innovation,
        title="Bilag",
        file=SimpleUploadedFile(name, content),
    )

    assert content_type in document.content_type
    assert document.size == len(content)
    assert document.original_name == name
    # stored under a generated name in the media storage, never the uploader's
    assert name not in document.file.name
    assert (media / document.file.name).read_bytes() == content


def test_a_renamed_file_is_refused_by_its_content(copenhagen, innovation, media):
    with pytest.raises(ValidationFailed) as error:
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="Forklædt",
            file=SimpleUploadedFile("rapport.pdf", b"MZ\x90\x00 not a pdf"),
        )
    assert error.value.errors["file"] == [
        "The file is named .pdf but its content is not a pdf file. "
        "Save it again in that format, or upload it with its right name."
    ]
    with pytest.raises(ValidationFailed):  # a zip that is no Word document
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="Zip",
            file=SimpleUploadedFile("rapport.docx", office_file("xl/workbook.xml")),
        )
    assert not Document.objects.exists()
    assert not list(media.rglob("*.*"))


def test_a_type_that_is_not_allowed_is_refused_with_the_allowed_ones(copenhagen, innovation, media):
    with pytest.raises(ValidationFailed) as error:
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="Program",
            file=SimpleUploadedFile("setup.exe", b"MZ\x90\x00"),
        )
    assert error.value.errors["file"] == [
        "Files of type “exe” cannot be uploaded. "
        "Allowed types: docx, jpg, odt, pdf, png, pptx, xlsx."
    ]


def test_a_file_above_the_limit_is_refused_and_says_the_limit(
    copenhagen, innovation, media, settings
):
    settings.SPOR_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024
    big = PDF_BYTES + b"0" * (3 * 1024 * 1024)

    with pytest.raises(ValidationFailed) as error:
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="For stor",
            file=SimpleUploadedFile("stor.pdf", big),
        )
    assert error.value.errors["file"] == [
        "The file is 3 MB; the largest file you can upload is 2 MB."
    ]


def test_the_default_limit_is_20_mb(copenhagen, innovation, media):
    from innovations.documents import max_bytes

    assert max_bytes() == 20 * 1024 * 1024
    with pytest.raises(ValidationFailed):
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="For stor",
            file=SimpleUploadedFile("stor.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024)),
        )


def test_an_empty_file_is_refused(copenhagen, innovation, media):
    with pytest.raises(ValidationFailed) as error:
        submit_document(
            actor=copenhagen.official,
            innovation=innovation,
            title="Tom",
            file=SimpleUploadedFile("tom.pdf", b""),
        )
    assert error.value.errors["file"] == ["The file is empty."]


def test_a_link_to_the_case_system_instead_of_a_file(copenhagen, innovation):
    document = submit_document(
        actor=copenhagen.official,
        innovation=innovation,
        title="Sag i ESDH",
        kind="status_report",
        link="https://esdh.kk.dk/sag/2026-01234",
    )
    assert document.is_link and not document.file

    for link in ("javascript:alert(1)", "esdh/sag/1"):
        with pytest.raises(ValidationFailed) as error:
            submit_document(
                actor=copenhagen.official, innovation=innovation, title="Sag", link=link
            )
        assert "link" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        submit_document(actor=copenhagen.official, innovation=innovation, title="Intet")
    assert error.value.errors["file"] == ["Upload a file or give a link to the case."]


def test_only_those_who_may_edit_add_documents(copenhagen, aarhus, innovation, media):
    with pytest.raises(PermissionDenied):
        submit_document(
            actor=copenhagen.politician, innovation=innovation, title="x", link="https://a.dk"
        )
    with pytest.raises(NotFound):
        submit_document(
            actor=aarhus.administrator, innovation=innovation, title="x", link="https://a.dk"
        )


def test_a_document_or_status_report_completes_the_documentation_checkpoint(copenhagen, innovation):
    due = datetime.date.today() + datetime.timedelta(days=10)
    first = create_checkpoint(
        actor=copenhagen.secretary, innovation=innovation, kind="documentation", due_date=due
    )
    second = create_checkpoint(
        actor=copenhagen.secretary,
        innovation=innovation,
        kind="documentation",
        due_date=due + datetime.timedelta(days=30),
    )

    submit_document(
        actor=copenhagen.official,
        innovation=innovation,
        title="Statusnotat",
        link="https://esdh.kk.dk/sag/1",
    )
    report = submit_status_report(
        actor=copenhagen.official,
        innovation=innovation,
        assessment="at_risk",
        summary="Leverandøren er forsinket.",
        next_steps="Ny plan til udvalget i juni.",
    )

    statuses = dict(
        Checkpoint.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: "completed", second.pk: "completed"}
    assert report.assessment == "at_risk"


def test_a_status_report_needs_an_assessment_and_a_status(copenhagen, innovation):
    with pytest.raises(ValidationFailed) as error:
        submit_status_report(
            actor=copenhagen.official, innovation=innovation, assessment="fine", summary=" "
        )
    assert set(error.value.errors) == {"assessment", "summary"}


def test_the_evaluation_is_held_against_the_mandate_and_completes_its_checkpoint(copenhagen):
    # evaluations are submitted while evaluating: walk there through the services
    innovation = innovation_in(copenhagen, "evaluating")
    checkpoint = Checkpoint.objects.get(innovation=innovation, kind="evaluation", status="open")
    assert innovation.intended_values == ["quality", "citizen_satisfaction"]

    # an intended value left out is refused: every value gets an effect, "unknown" with a why
    with pytest.raises(ValidationFailed) as error:
        submit_evaluation(
            actor=copenhagen.official,
            innovation=innovation,
            method="with_citizens",
            effects={"quality": {"effect": "improved", "basis": "measured", "text": "Målt."}},
            learning="Borgerne skal med fra start.",
        )
    assert set(error.value.errors) == {"effects"}
    evaluation = submit_evaluation(
        actor=copenhagen.official,
        innovation=innovation,
        method="with_citizens",
        effects={
            "quality": {"effect": "improved", "basis": "measured", "text": "Målt i NPS."},
            "citizen_satisfaction": {"effect": "unknown", "text": "Ikke målt i perioden."},
        },
        learning="Borgerne skal med fra start.",
        spreading="with_adaptations",
    )

    evaluation = Evaluation.objects.get(pk=evaluation.pk)
    assert evaluation.value_direction == innovation.value_direction != ""
    assert evaluation.intended_values == ["quality", "citizen_satisfaction"]
    assert evaluation.effects == {
        "quality": {"effect": "improved", "basis": "measured", "text": "Målt i NPS."},
        "citizen_satisfaction": {
            "effect": "unknown",
            "basis": "assessed",
            "text": "Ikke målt i perioden.",
        },
    }
    assert evaluation.spreading == "with_adaptations"
    checkpoint.refresh_from_db()
    assert checkpoint.status == "completed"


def test_an_evaluation_with_a_wrong_effect_or_recommendation_is_refused(copenhagen):
    innovation = innovation_in(copenhagen, "evaluating")
    with pytest.raises(ValidationFailed) as error:
        submit_evaluation(
            actor=copenhagen.official,
            innovation=innovation,
            method="internal",
            effects={
                "quality": {"effect": "great"},
                "citizen_satisfaction": {"effect": "improved", "text": "Målt"},
            },
            learning="Noget",
            spreading="maybe",
        )
    assert set(error.value.errors) == {"effects", "spreading"}
    assert not Evaluation.objects.filter(innovation=innovation).exists()
