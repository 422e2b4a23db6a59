"""The committee's report for a period: mandates, follow-ups held against those due, quiet
innovations, moves, stops with reason and learning, evaluations with their verdict."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decisions.services import record_correction
from innovations import csv_export
from politics.selectors import committee_report, report_csv_lines
from tests.lifecycle import STOP_LEARNING, STOP_REASON, evaluate, innovation_in, raise_need, record

pytestmark = pytest.mark.django_db


def period():
    today = timezone.localdate()
    return today - datetime.timedelta(days=30), today + datetime.timedelta(days=120)


def test_the_report_tells_what_the_committee_did(copenhagen):
    # a need raised eight months ago and never before the committee
    with time_machine.travel(timezone.now() - datetime.timedelta(days=240), tick=False):
        quiet = raise_need(copenhagen, title="Glemt behov")
    innovation_in(copenhagen, "exploring", title="Mandat i år")
    stopped = innovation_in(copenhagen, "testing", title="Stoppet forsøg")
    record(copenhagen, stopped, "stop", apply=True)
    evaluated = innovation_in(copenhagen, "evaluating", title="Evalueret")
    evaluate(copenhagen, evaluated)
    start, end = period()

    report = committee_report(copenhagen.committee, start=start, end=end, quiet_months=6)

    assert {d.innovation.title for d in report.mandates} == {
        "Mandat i år",
        "Stoppet forsøg",
        "Evalueret",
    }
    assert report.mandates[0].value_direction
    assert [f.innovation.title for f in report.follow_ups_held] == ["Evalueret"]
    # the rules set follow-up checkpoints at the committee within the period
    assert report.follow_ups_due.due >= 1
    assert [i.title for i in report.quiet] == ["Glemt behov"]
    assert report.quiet[0].last_political is None
    assert [(s.innovation.title, s.reason, s.learning) for s in report.stops] == [
        ("Stoppet forsøg", STOP_REASON, STOP_LEARNING)
    ]
    assert ("need", "exploring") in {(m.source, m.target) for m in report.moves}
    assert [e.innovation.title for e in report.evaluations] == ["Evalueret"]
    assert quiet.pk not in {d.innovation_id for d in report.mandates}


def test_an_annulled_mandate_is_not_reported(copenhagen):
    innovation = raise_need(copenhagen)
    result = record(copenhagen, innovation, "mandate", outcome="postponed")
    record_correction(
        actor=copenhagen.secretary,
        decision=result.record,
        reason="Forkert sag",
        corrected_values={"outcome": "approved"},
    )
    start, end = period()
    assert len(committee_report(copenhagen.committee, start=start, end=end).mandates) == 1
    record_correction(
        actor=copenhagen.secretary,
        decision=result.record,
        reason="Ført ved en fejl",
        corrected_values={"annulled": True},
    )
    assert committee_report(copenhagen.committee, start=start, end=end).mandates == []


def test_another_committees_work_is_not_in_the_report(copenhagen):
    innovation = raise_need(copenhagen)
    record(copenhagen, innovation, "mandate", apply=True)
    start, end = period()
    report = committee_report(copenhagen.other_committee, start=start, end=end)
    assert report.mandates == [] and report.moves == []


def test_the_report_costs_the_same_queries_for_more_innovations(copenhagen):
    start, end = period()
    innovation_in(copenhagen, "testing", title="En")
    with CaptureQueriesContext(connection) as few:
        committee_report(copenhagen.committee, start=start, end=end)
    for n in range(3):
        innovation_in(copenhagen, "testing", title=f"Flere {n}")
    with CaptureQueriesContext(connection) as many:
        committee_report(copenhagen.committee, start=start, end=end)
    assert len(many) == len(few)


def test_the_csv_is_danish_excel_by_default(copenhagen):
    innovation_in(copenhagen, "exploring", title='=HYPERLINK("x")')
    start, end = period()
    report = committee_report(copenhagen.committee, start=start, end=end)
    text = "".join(report_csv_lines(report, csv_export.EXCEL))
    assert text.startswith("\ufeff")
    header = text[1:].splitlines()[0]
    assert header.split(";")[0] == "Afsnit"
    assert "Mandat givet" in text
    assert "'=HYPERLINK" in text
    machine = "".join(report_csv_lines(report, csv_export.RFC4180))
    assert machine.splitlines()[0].startswith("section,date,innovation")
    assert "\nmandate," in machine
