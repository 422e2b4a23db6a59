"""The innovation list's filters are the API's: the same address finds the same innovations on
the page and in ``/api/v1/innovations/``, and a filter that does not validate shows the form
with its error, never every row."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from innovations.models import Innovation, State
from reminders.models import Checkpoint, CheckpointStatus
from reminders.services import local_today

from ..factories import InnovationFactory

pytestmark = pytest.mark.django_db


def _checkpoint(innovation: Innovation, *, days: int, status: str = CheckpointStatus.OPEN):
    return Checkpoint.objects.create(
        innovation=innovation,
        kind="follow_up",
        due_date=local_today() + datetime.timedelta(days=days),
        source="manual",
        status=status,
    )


@pytest.fixture
def portfolio(copenhagen, aarhus) -> dict[str, Innovation]:
    """Five of Copenhagen's innovations in different phases, committees and states of their
    checkpoints, and one of Aarhus' that Copenhagen never sees."""
    town = copenhagen
    rows = {
        "robot": InnovationFactory(
            committee=town.committee, title="Robot til genoptræning", case_number="27.12.00-2026"
        ),
        "app": InnovationFactory(
            committee=town.other_committee,
            title="Digital post",
            need="Færre ROBOTopkald",
            state=State.EXPLORING,
        ),
        "sensor": InnovationFactory(
            committee=town.committee,
            title="Sensorer i plejeboliger",
            case_number="88.10-2025",
            state=State.EXPLORING,
        ),
        "closed": InnovationFactory(committee=town.other_committee, title="Madservice"),
        "fresh": InnovationFactory(committee=town.committee, title="Skærmbesøg"),
        "elsewhere": InnovationFactory(committee=aarhus.committee, title="Robot i Aarhus"),
    }
    _checkpoint(rows["robot"], days=-1)  # overdue
    _checkpoint(rows["sensor"], days=0)  # due today: not overdue
    _checkpoint(rows["fresh"], days=1)
    _checkpoint(rows["closed"], days=-1, status=CheckpointStatus.COMPLETED)
    _checkpoint(rows["elsewhere"], days=-1)
    return rows


def web_ids(client, params) -> set[int]:
    response = client.get(reverse("innovation_list"), params)
    assert response.status_code == 200
    assert not response.context["form"].errors, response.context["form"].errors
    return {innovation.pk for innovation in response.context["page"].object_list}


def api_ids(client, params) -> set[int]:
    response = client.get("/api/v1/innovations/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


FILTERS = [
    {},
    {"state": "exploring"},
    {"state": ["need", "exploring"]},
    {"committee": "COMMITTEE"},
    {"committee": "OTHER"},
    {"q": "robot"},  # title or need, any case
    {"q": "ROBOT"},
    {"q": "27.12"},  # the case number
    {"q": "ingen sådan tekst"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"committee": "COMMITTEE", "overdue": "false", "q": "s"},
    {"state": "exploring", "q": "robot"},
]


@pytest.mark.parametrize("persona", ["administrator", "official"])
@pytest.mark.parametrize("given", FILTERS, ids=str)
def test_the_page_and_the_api_find_the_same_innovations(
    client, copenhagen, portfolio, persona, given
):
    committees = {"COMMITTEE": copenhagen.committee.pk, "OTHER": copenhagen.other_committee.pk}
    params = {
        name: committees.get(value, value) if isinstance(value, str) else value
        for name, value in given.items()
    }
    client.force_login(getattr(copenhagen, persona))

    on_the_page = web_ids(client, params)

    assert on_the_page == api_ids(client, params)
    assert portfolio["elsewhere"].pk not in on_the_page


def test_the_filters_find_what_they_say(client, copenhagen, portfolio):
    client.force_login(copenhagen.administrator)
    pk = {name: innovation.pk for name, innovation in portfolio.items()}

    assert web_ids(client, {"overdue": "true"}) == {pk["robot"]}
    assert web_ids(client, {"q": "robot"}) == {pk["robot"], pk["app"]}
    assert web_ids(client, {"q": "88.10"}) == {pk["sensor"]}
    assert web_ids(client, {"state": "exploring", "committee": copenhagen.committee.pk}) == {
        pk["sensor"]
    }


def test_the_form_left_blank_and_the_former_phase_parameter_still_work(
    client, copenhagen, portfolio
):
    client.force_login(copenhagen.administrator)
    everything = web_ids(client, {})

    assert web_ids(client, {"q": "", "state": "", "committee": ""}) == everything
    assert web_ids(client, {"phase": "exploring"}) == web_ids(client, {"state": "exploring"})
    assert web_ids(client, {"phase": "exploring"}) == {portfolio["sensor"].pk, portfolio["app"].pk}


def test_the_form_offers_the_phases_in_danish_and_only_the_own_committees(
    client, copenhagen, aarhus, portfolio
):
    client.force_login(copenhagen.administrator)

    page = client.get(reverse("innovation_list"), {"state": "exploring"}).content.decode()

    assert '<select name="state"' in page and "multiple" not in page.split('name="state"')[1][:80]
    assert '<option value="exploring" selected>Udforskning</option>' in page
    assert copenhagen.other_committee.name in page
    assert '<option value="" selected>Alle udvalg</option>' in page
    assert f'<option value="{aarhus.committee.pk}"' not in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"committee": "abc"}, "committee"),
        ({"committee": "1.5"}, "committee"),
        ({"committee": str(2**63)}, "committee"),
        ({"state": "bogus"}, "state"),
        ({"phase": "bogus"}, "state"),
        ({"overdue": "bogus"}, "overdue"),
        ({"shared": "yes"}, "shared"),
        ({"q": "x" * 101}, "q"),
        ({"q": "robot\x00"}, "q"),
    ],
)
def test_a_filter_that_does_not_validate_shows_its_error_and_no_rows(
    client, copenhagen, portfolio, params, field
):
    client.force_login(copenhagen.administrator)

    response = client.get(reverse("innovation_list"), params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert list(response.context["page"].object_list) == []
    assert 'class="errorlist"' in response.content.decode()


def test_a_filter_the_page_does_not_show_names_its_error(client, copenhagen, portfolio):
    client.force_login(copenhagen.administrator)

    page = client.get(reverse("innovation_list"), {"overdue": "bogus"}).content.decode()

    assert "Overskredne kontrolpunkter: Angiv sand eller falsk." in page


def test_the_api_states_q_and_its_limits(client, copenhagen, portfolio):
    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    parameters = schema["paths"]["/api/v1/innovations/"]["get"]["parameters"]
    q = next(p for p in parameters if p["name"] == "q")
    assert q["in"] == "query"
    assert q["schema"] == {"type": "string", "minLength": 1, "maxLength": 100}
    assert "case number" in q["description"]

    client.force_login(copenhagen.administrator)
    assert client.get("/api/v1/innovations/", {"q": "x" * 101}).status_code == 400
    assert client.get("/api/v1/innovations/", {"q": ""}).status_code == 400
