"""The mandate card in the web UI, as the secretary, the official and the politician use it:
the guided mandate form with its preview, the card's versions side by side, the involvement
log, a follow-up that reads the indicators, the evaluation generated from the card."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from decisions.mandate import (
    IndicatorReading,
    InvolvementActivity,
    MandateCard,
    MandateEvaluation,
    ValueDirectionCheck,
)
from decisions.models import Decision
from innovations.models import Innovation

from ..lifecycle import raise_need
from ..mandate_world import indicators_of, mandated_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture(autouse=True)
def english_pages(copenhagen):
    """The pages in English, so the tests read the words in the code."""
    for person in (copenhagen.secretary, copenhagen.official, copenhagen.politician):
        person.language = "en"
        person.save(update_fields=["language"])


def today() -> datetime.date:
    return timezone.localdate()


def mandate_post(world, *, record: bool, **changes) -> dict:
    data = {
        "expected_state": "need",
        "decision-meeting": world.meeting.pk,
        "decision-agenda_item": "Punkt 3",
        "decision-outcome": "approved",
        "decision-resolution": "Udvalget giver mandat efter indstillingen.",
        "decision-votes_for": "2",
        "decision-votes_against": "0",
        "decision-votes_abstaining": "0",
        "card-value_direction": "Ældre skal kunne blive længere i eget hjem.",
        "card-budget": "1.250.000,50",
        "card-deadline": today().replace(year=today().year + 2).isoformat(),
        "card-scope": "To distrikter.",
        "card-solution_space": "Teknologi og organisering er åbne.",
        "card-involve": ["citizens", "staff"],
        "card-follow_up_months": "3",
        "card-stop_criteria": "Hvis trygheden falder.",
        "indicators-TOTAL_FORMS": "4",
        "indicators-INITIAL_FORMS": "0",
        "indicators-MIN_NUM_FORMS": "0",
        "indicators-MAX_NUM_FORMS": "20",
        "indicators-0-name": "Ventetid på hjælp",
        "indicators-0-unit": "dage",
        "indicators-0-baseline": "14",
        "indicators-0-baseline_date": (today() - datetime.timedelta(days=10)).isoformat(),
        "indicators-0-target": "7,5",
        "indicators-0-measurement": "Gennemsnit af visitationssager.",
    }
    data.update(changes)
    data["record" if record else "preview"] = "1"
    return data


def test_the_mandate_form_asks_its_questions_and_previews_the_card(client, copenhagen):
    innovation = raise_need(copenhagen)
    client.force_login(copenhagen.secretary)
    url = f"/innovations/{innovation.pk}/mandate/record/"

    html = client.get(url).content.decode()
    assert "What must the new solution serve" in html
    assert "What would make you stop the work?" in html
    assert "<script" not in html and "style=" not in html  # CSP: no inline script or style

    response = client.post(url, mandate_post(copenhagen, record=False))
    html = response.content.decode()
    assert response.status_code == 200
    preview = html[html.index('id="mandate-preview"') : html.index('id="mandate-form"')]
    assert "The card as it will read in the minutes" in preview
    assert "Ventetid på hjælp: from 14 dage" in preview and "to 7.5 dage" in preview
    assert "1,250,000.50 kr." in preview
    assert "Citizens, Staff" in preview
    assert not Decision.objects.exists() and not MandateCard.objects.exists()


def test_the_secretary_records_the_mandate_and_the_card_reads_as_given(client, copenhagen):
    innovation = raise_need(copenhagen)
    client.force_login(copenhagen.secretary)

    response = client.post(
        f"/innovations/{innovation.pk}/mandate/record/", mandate_post(copenhagen, record=True)
    )

    assert response.status_code == 302
    assert response["Location"] == f"/innovations/{innovation.pk}/mandate/"
    innovation.refresh_from_db()
    assert innovation.state == "exploring"
    assert innovation.frame_budget == Decimal("1250000.50")
    card = MandateCard.objects.get(innovation=innovation)
    assert card.indicators.get().target == Decimal("7.5")
    html = client.get(response["Location"]).content.decode()
    assert "In force: version 1" in html and "Ventetid på hjælp" in html
    detail = client.get(f"/innovations/{innovation.pk}/").content.decode()
    assert 'id="mandate"' in detail and "Mandate card, version 1" in detail


def test_errors_are_shown_on_the_field_of_the_card_they_concern(client, copenhagen):
    innovation = raise_need(copenhagen)
    client.force_login(copenhagen.secretary)
    response = client.post(
        f"/innovations/{innovation.pk}/mandate/record/",
        mandate_post(
            copenhagen,
            record=True,
            **{"card-deadline": (today() - datetime.timedelta(days=1)).isoformat()},
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_card-deadline_errors"' in html and "cannot be in the past" in html
    response = client.post(
        f"/innovations/{innovation.pk}/mandate/record/",
        mandate_post(copenhagen, record=True, **{"indicators-0-baseline_date": ""}),
    )
    html = response.content.decode()
    assert 'id="id_indicators-0-baseline_date_errors"' in html
    assert not MandateCard.objects.exists()


def test_an_amendment_shows_the_versions_side_by_side(client, copenhagen):
    innovation = mandated_in(copenhagen, "testing")
    client.force_login(copenhagen.secretary)
    url = f"/innovations/{innovation.pk}/mandate/record/"
    form = client.get(url).content.decode()
    assert "Amend the mandate" in form and 'value="Borgere der bliver i eget hjem"' in form

    card = MandateCard.objects.get(innovation=innovation)
    data = mandate_post(
        copenhagen,
        record=True,
        expected_state="testing",
        **{
            "card-value_direction": card.value_direction,
            "card-budget": "2.000.000",
            "card-deadline": card.deadline.isoformat(),
            "card-scope": card.scope,
            "card-solution_space": card.solution_space,
            "card-involve": card.involve,
            "card-follow_up_months": str(card.follow_up_months),
            "card-stop_criteria": card.stop_criteria,
            "indicators-TOTAL_FORMS": "2",
            "indicators-INITIAL_FORMS": "2",
        },
    )
    for n, indicator in enumerate(card.indicators.all()):
        for field in ("name", "unit", "baseline", "baseline_date", "target", "measurement"):
            data[f"indicators-{n}-{field}"] = str(getattr(indicator, field))
    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Innovation.objects.get(pk=innovation.pk).state == "testing"
    second = MandateCard.objects.get(innovation=innovation, version=2)
    assert second.changed_fields == ["budget"]
    html = client.get(f"/innovations/{innovation.pk}/mandate/").content.decode()
    versions = html[html.index('id="versions"') :]
    assert "Version 1" in versions and "Version 2" in versions
    assert versions.count('class="changed"') == 1


def test_only_the_committees_secretary_records_a_mandate(client, copenhagen, aarhus):
    innovation = raise_need(copenhagen)
    for who in (copenhagen.politician, copenhagen.official, copenhagen.other_secretary):
        client.force_login(who)
        url = f"/innovations/{innovation.pk}/mandate/record/"
        assert client.get(url).status_code == 403
        assert client.post(url, mandate_post(copenhagen, record=True)).status_code == 403
    client.force_login(aarhus.secretary)
    assert client.get(f"/innovations/{innovation.pk}/mandate/").status_code == 404
    client.force_login(copenhagen.politician)
    assert client.get(f"/innovations/{innovation.pk}/mandate/").status_code == 200
    assert not MandateCard.objects.exists()


def test_the_official_keeps_the_involvement_log(client, copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    client.force_login(copenhagen.official)
    response = client.post(
        f"/innovations/{innovation.pk}/involvement/",
        {
            "date": today().isoformat(),
            "form": "workshop",
            "title": "Værksted i Valby",
            "group_citizens": "14",
            "group_staff": "6",
            "learned": "Faste hjælpere betyder mest.",
            "platform_url": "https://deltag.kk.dk/processes/hjemmepleje",
        },
    )
    assert response.status_code == 302
    activity = InvolvementActivity.objects.get(innovation=innovation)
    assert activity.participants == {"citizens": 14, "staff": 6}
    html = client.get(f"/innovations/{innovation.pk}/involvement/").content.decode()
    assert "Værksted i Valby" in html and "Citizens 14, Staff 6" in html
    assert 'rel="noopener noreferrer nofollow"' in html
    client.force_login(copenhagen.politician)
    assert (
        client.post(f"/innovations/{innovation.pk}/involvement/", {"form": "visit"}).status_code
        == 403
    )


def test_a_follow_up_reads_the_indicators(client, copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    at_home, waiting = indicators_of(innovation)
    client.force_login(copenhagen.secretary)
    url = f"/innovations/{innovation.pk}/mandate/follow-up/"
    assert "Involvement since the last follow-up" in client.get(url).content.decode()

    response = client.post(
        url,
        {
            "meeting": copenhagen.meeting.pk,
            "agenda_item": "Punkt 7",
            "assessment": "at_risk",
            "summary": "Ventetiden falder langsomt.",
            "taken_note": "Udvalget tog orienteringen til efterretning.",
            f"reading_{at_home.pk}": "64",
            f"reading_{waiting.pk}": "12,5",
            "serves": "partly",
            "serves_why": "Trygheden stiger, ventetiden falder for langsomt.",
        },
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    check = ValueDirectionCheck.objects.get(follow_up__innovation=innovation)
    assert check.serves == "partly"
    assert IndicatorReading.objects.get(indicator=waiting).value == Decimal("12.5")
    html = client.get(f"/innovations/{innovation.pk}/mandate/").content.decode()
    assert "Still serves the value direction" in html and "Partly" in html


def test_the_evaluation_form_is_generated_from_the_card(client, copenhagen):
    innovation = mandated_in(copenhagen, "evaluating")
    at_home, waiting = indicators_of(innovation)
    client.force_login(copenhagen.official)
    url = f"/innovations/{innovation.pk}/evaluation/"
    form = client.get(url).content.decode()
    assert "Against the mandate card (version 1)" in form
    assert "Baseline 62 %" in form and "target 70 %" in form

    response = client.post(
        url,
        {
            "method": "internal",
            "effect_quality": "improved",
            "basis_quality": "measured",
            "effect_citizen_satisfaction": "unknown",
            "text_citizen_satisfaction": "Ikke målt.",
            "learning": "Faste teams virker.",
            f"result_{at_home.pk}": "71",
            f"result_{waiting.pk}": "6",
            "verdict": "realised",
            "verdict_why": "Flere bliver hjemme.",
        },
    )

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert MandateEvaluation.objects.get(evaluation__innovation=innovation).met
    detail = client.get(f"/innovations/{innovation.pk}/").content.decode()
    result = detail[detail.index('id="mandate-result"') :]
    assert "The mandate was met" in result and "Ventetid på hjælp" in result


def test_the_frame_is_not_on_the_innovation_form(client, copenhagen):
    innovation = mandated_in(copenhagen, "exploring")
    client.force_login(copenhagen.official)
    html = client.get(f"/innovations/{innovation.pk}/edit/").content.decode()
    assert "id_frame_budget" not in html and "mandate card" in html


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1.250.000,50", "1250000.50"),
        ("1 250 000,50", "1250000.50"),
        ("1250000,5", "1250000.50"),
        ("1.250.000", "1250000.00"),
        ("1250000.50", "1250000.50"),
    ],
)
def test_the_budget_is_accepted_as_spor_shows_it(client, copenhagen, typed, stored):
    """The frame moved from the innovation form to the mandate card (issue 12's amounts)."""
    innovation = raise_need(copenhagen)
    client.force_login(copenhagen.secretary)
    response = client.post(
        f"/innovations/{innovation.pk}/mandate/record/",
        mandate_post(copenhagen, record=True, **{"card-budget": typed}),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert str(MandateCard.objects.get(innovation=innovation).budget) == stored
    assert str(Innovation.objects.get(pk=innovation.pk).frame_budget) == stored


def test_the_card_page_reads_in_the_same_number_of_queries_for_more_versions(client, copenhagen):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..mandate_world import amend

    innovation = mandated_in(copenhagen, "exploring")
    client.force_login(copenhagen.politician)
    url = f"/innovations/{innovation.pk}/mandate/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    amend(copenhagen, innovation, budget="1300000")
    two = count()
    amend(copenhagen, innovation, budget="1400000")
    amend(copenhagen, innovation, follow_up_months=2)
    assert count() == two
