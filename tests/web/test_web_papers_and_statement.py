"""The papers at hand on the innovation page, the catalogue's contact e-mail and the link
back to a reused innovation's origin, and the accessibility statement (issue 12)."""

from __future__ import annotations

import pytest

from innovations.services import (
    reuse_innovation,
    share_innovation,
    submit_document,
    submit_status_report,
    unshare_innovation,
)
from organisations.models import AccessibilityStatement

from ..catalogue_world import evaluation_of, shared_innovation
from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


def html_of(client, user, url: str, **params) -> str:
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_a_politician_finds_the_papers_on_the_innovation_page(client, copenhagen):
    innovation = InnovationFactory(
        committee=copenhagen.committee,
        owner=copenhagen.official,
        intended_values=["quality", "efficiency"],
    )
    submit_document(
        actor=copenhagen.official,
        innovation=innovation,
        title="Projektbeskrivelse",
        kind="documentation",
        link="https://sag.example.dk/sag/123",
    )
    submit_status_report(
        actor=copenhagen.official, innovation=innovation, assessment="on_track", summary="Gammel."
    )
    submit_status_report(
        actor=copenhagen.official,
        innovation=innovation,
        assessment="at_risk",
        summary="Leverandøren er forsinket.",
    )
    evaluation_of(
        innovation,
        copenhagen.official,
        effects={
            "quality": {
                "effect": "improved",
                "basis": "measured",
                "text": "Færre genindlæggelser.",
            },
            "efficiency": {"effect": "unchanged", "basis": "assessed", "text": ""},
        },
        spreading="recommended",
        recommendation="Kan bruges i alle distrikter.",
    )

    html = html_of(client, copenhagen.politician, f"/innovations/{innovation.pk}/")

    report = html[html.index('id="latest-status-report"') :]
    assert "Leverandøren er forsinket." in report[:1500] and "Gammel." not in report[:1500]
    evaluation = html[html.index('id="latest-evaluation"') :]
    assert "Færre genindlæggelser." in evaluation
    assert "Forbedret" in evaluation and "Uændret" in evaluation
    assert "Kan bruges i alle distrikter." in evaluation
    documents = html[html.index('id="innovation-documents"') :]
    assert 'href="https://sag.example.dk/sag/123"' in documents
    assert f'href="/innovations/{innovation.pk}/documents/"' in documents


def test_the_catalogue_entry_shows_the_organisations_contact_e_mail(client, copenhagen, aarhus):
    innovation = shared_innovation(copenhagen, title="Skærmbesøg")
    client.force_login(copenhagen.administrator)
    response = client.post(
        f"/innovations/{innovation.pk}/sharing/",
        {"contact_role": "Innovationsenheden", "contact_email": "innovation@kk.example.dk"},
    )
    assert response.status_code == 302
    html = html_of(client, aarhus.politician, f"/catalogue/{innovation.pk}/")
    contact = html[html.index('id="entry-contact"') :]
    assert 'href="mailto:innovation@kk.example.dk"' in contact[:400]

    client.force_login(copenhagen.administrator)
    refused = client.post(
        f"/innovations/{innovation.pk}/sharing/",
        {"contact_role": "Innovationsenheden", "contact_email": "ikke en adresse"},
    )
    assert refused.status_code == 400


def test_a_reused_innovation_links_to_its_origin_while_it_is_shared(client, copenhagen, aarhus):
    origin = shared_innovation(copenhagen, title="Skærmbesøg i hjemmeplejen")
    mine = reuse_innovation(actor=aarhus.official, origin=origin, committee=aarhus.committee)

    html = html_of(client, aarhus.official, f"/innovations/{mine.pk}/")
    assert f'href="/catalogue/{origin.pk}/"' in html[html.index('id="reused-from"') :][:600]

    unshare_innovation(actor=copenhagen.administrator, innovation=origin)
    html = html_of(client, aarhus.official, f"/innovations/{mine.pk}/")
    assert f'href="/catalogue/{origin.pk}/"' not in html
    assert "Originalen er ikke længere delt." in html
    share_innovation(actor=copenhagen.administrator, innovation=origin)


def test_every_page_links_the_accessibility_statement_with_a_default_text(client, copenhagen):
    for url in ("/sign-in/", "/accessibility/"):
        html = client.get(url).content.decode()
        assert 'href="/accessibility/"' in html
    html = client.get("/accessibility/").content.decode()
    assert "WCAG 2.1 AA" in html
    assert 'id="exceptions"' in html and 'id="contact"' in html
    assert "Tilgængelighedserklæring" in html
    assert 'href="/accessibility/"' in html_of(client, copenhagen.politician, "/")


def test_an_administrator_edits_the_statement_of_their_organisation(client, copenhagen, aarhus):
    from organisations.admin_access import grant_admin_access
    from organisations.models import User

    AccessibilityStatement.objects.create(
        organisation=None, known_exceptions="Kortet over kommunen.", contact_email="web@site.dk"
    )
    superuser = User.objects.create_superuser("operator", "op@example.dk", "demo-password")
    grant_admin_access(actor=superuser, person=copenhagen.administrator)
    client.force_login(copenhagen.administrator)
    response = client.post(
        "/admin/organisations/accessibilitystatement/add/",
        {
            "organisation": copenhagen.organisation.pk,
            "standard": "WCAG 2.1 AA",
            "conformance": "full",
            "known_exceptions": "PDF-bilag fra før 2024.\nVideo uden tekster.",
            "contact_email": "tilgaengelighed@kk.example.dk",
            "contact_text": "",
            "prepared_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    statement = AccessibilityStatement.objects.get(organisation=copenhagen.organisation)

    mine = html_of(client, copenhagen.politician, "/accessibility/")
    assert "PDF-bilag fra før 2024." in mine and "Video uden tekster." in mine
    assert "fuldt overensstemmende" in mine
    assert "mailto:tilgaengelighed@kk.example.dk" in mine
    # another organisation, and anyone signed out, read the site-wide statement
    theirs = html_of(client, aarhus.politician, "/accessibility/")
    assert "Kortet over kommunen." in theirs and "PDF-bilag" not in theirs
    client.logout()
    assert "Kortet over kommunen." in client.get("/accessibility/").content.decode()
    assert statement.exceptions_list == ["PDF-bilag fra før 2024.", "Video uden tekster."]


def test_there_is_one_site_wide_statement_and_one_per_organisation(copenhagen):
    from django.db import IntegrityError, transaction

    AccessibilityStatement.objects.create(organisation=None)
    AccessibilityStatement.objects.create(organisation=copenhagen.organisation)
    for organisation in (None, copenhagen.organisation):
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessibilityStatement.objects.create(organisation=organisation)
