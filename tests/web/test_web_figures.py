"""The administrator's figures read at a glance (issue 12): nothing clipped, Danish numbers,
month labels that do not overlap and every month shown, phases in lifecycle order, the funnel
adding up to the card, the period filter on every figure, the barometer as a picture."""

from __future__ import annotations

import datetime
import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone, translation

from innovations.models import Innovation, State
from web.diagrams import (
    CHAR_WIDTH,
    bar_chart_svg,
    column_chart_svg,
    comparison_chart_svg,
    text_width,
)

from ..factories import DecisionFactory, InnovationFactory, MeetingFactory
from ..lifecycle import innovation_in

SVG = "{http://www.w3.org/2000/svg}"
WIDTHS = (440, 320)  # the chart as drawn for a desktop card and a phone


def texts(svg) -> list[ET.Element]:
    return list(ET.fromstring(str(svg)).iter(f"{SVG}text"))


def extent(text: ET.Element) -> tuple[float, float]:
    """Left and right of a text, measured as generously as the charts measure it."""
    x, size = float(text.get("x")), float(text.get("font-size"))
    width = len(text.text) * size * CHAR_WIDTH
    anchor = text.get("text-anchor", "start")
    if anchor == "middle":
        return x - width / 2, x + width / 2
    if anchor == "end":
        return x - width, x
    return x, x + width


def view_width(svg) -> float:
    return float(ET.fromstring(str(svg)).get("viewBox").split()[2])


@pytest.mark.parametrize("width", WIDTHS)
def test_a_bar_chart_writes_danish_numbers_and_clips_none(width):
    with translation.override("da"):
        svg = bar_chart_svg(
            [("Udforskning", 112.2), ("Afprøvning", 1250.0), ("Et meget langt udvalgsnavn her", 3)],
            title="Median",
            unit="dage",
            width=width,
        )
    values = [t for t in texts(svg) if t.get("class") == "value"]
    assert [v.text for v in values] == ["112,2 dage", "1.250 dage", "3 dage"]
    for text in texts(svg):
        left, right = extent(text)
        assert left >= 0 and right <= view_width(svg), (text.text, left, right)


@pytest.mark.parametrize("width", WIDTHS)
def test_month_labels_never_overlap_and_stay_inside(width):
    with translation.override("da"):
        names = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov"]
        months = [(f"{name} 26", 10 + i * 7, i) for i, name in enumerate([*names, "dec", "jan"])]
        svg = column_chart_svg(months, title="Beslutninger", width=width)
    labels = sorted(extent(t) for t in texts(svg) if t.get("class") == "month")
    assert labels
    for (_left, right), (next_left, _next_right) in itertools.pairwise(labels):
        assert right <= next_left, "two month labels overlap"
    assert labels[0][0] >= 0 and labels[-1][1] <= width
    values = [extent(t) for t in texts(svg) if t.get("class") == "value"]
    for (_left, right), (next_left, _r) in itertools.pairwise(values):
        assert right <= next_left


@pytest.mark.parametrize("width", WIDTHS)
def test_the_comparison_chart_keeps_every_text_inside(width):
    # Danish numbers, whatever language an earlier request left active
    with translation.override("da"):
        svg = comparison_chart_svg(
            [("Er hel eller delvis genbrug af andres løsninger", 42.5, 73), ("Politisk", None, 69)],
            title="Genbrug",
            ours="Vores andel",
            national="Landstal",
            width=width,
        )
    shown = [t.text for t in texts(svg) if t.get("class") == "value"]
    assert shown[:2] == ["42,5 %", "73 %"] and shown[2] == "–"
    for text in texts(svg):
        left, right = extent(text)
        assert left >= 0 and right <= width + 0.5, (text.text, right)


def test_text_width_is_a_generous_estimate():
    assert text_width("112,2 dage", 15) > 80


# --- The dashboard page ------------------------------------------------------------------------


def dashboard(client, world, **params):
    client.force_login(world.administrator)
    return client.get("/portfolio/", params)


@pytest.mark.django_db
def test_the_funnel_has_every_phase_in_lifecycle_order_and_adds_up(client, copenhagen):
    paused = "testing"  # a paused innovation was paused from a phase
    for state in (State.NEED, State.TESTING, State.PAUSED, State.STOPPED, State.COMPLETED):
        innovation_in(copenhagen, str(state), paused, title=f"Forsøg i fasen {state}")
    response = dashboard(client, copenhagen)
    charts = response.context["charts"]
    labels = [t.text for t in texts(charts["funnel"]) if t.get("class") != "value"]
    assert labels == [str(s.label) for s in State]
    counts = [int(t.text) for t in texts(charts["funnel"]) if t.get("class") == "value"]
    assert sum(counts) == response.context["figures"]["total"] == 5


@pytest.mark.django_db
def test_median_days_are_in_lifecycle_order(client, copenhagen):
    paused = "exploring"  # a paused innovation was paused from a phase
    for state in (State.TESTING, State.EXPLORING, State.PAUSED, State.NEED):
        innovation_in(copenhagen, str(state), paused, title=f"Forsøg i fasen {state}")
    medians = dashboard(client, copenhagen).context["figures"]["median_days_in_state"]
    assert list(medians) == ["need", "exploring", "testing", "paused"]


@pytest.mark.django_db
def test_a_month_without_decisions_is_shown_as_zero(client, copenhagen):
    innovation = InnovationFactory(committee=copenhagen.committee)
    Innovation.objects.filter(pk=innovation.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 5, 1))
    )
    for day in (datetime.date(2026, 6, 10), datetime.date(2026, 8, 12)):
        DecisionFactory(
            innovation=innovation,
            meeting=MeetingFactory(committee=copenhagen.committee, date=day),
            transition="",
        )
    response = dashboard(client, copenhagen, period_from="2026-06-01", period_to="2026-08-31")
    rows = response.context["figures"]["decisions_per_month"]
    assert [(r["month"], r["count"]) for r in rows] == [
        ("2026-06", 1),
        ("2026-07", 0),
        ("2026-08", 1),
    ]
    assert "Jul 26" in response.content.decode()


@pytest.mark.django_db
def test_the_period_filter_narrows_every_figure(client, copenhagen):
    # moved through the services (the database refuses a phase change without its log row),
    # then dated back
    old = innovation_in(copenhagen, "completed", title="Et afsluttet forsøg")
    Innovation.objects.filter(pk=old.pk).update(
        state_entered_at=timezone.make_aware(datetime.datetime(2026, 2, 1)),
        created_at=timezone.make_aware(datetime.datetime(2026, 1, 5)),
    )
    current = InnovationFactory(committee=copenhagen.committee)
    Innovation.objects.filter(pk=current.pk).update(
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 1))
    )
    later = InnovationFactory(committee=copenhagen.committee)  # raised today
    whole = dashboard(client, copenhagen).context["figures"]
    assert whole["total"] == 3

    response = dashboard(client, copenhagen, period_from="2026-03-01", period_to="2026-06-30")
    figures = response.context["figures"]
    assert figures["total"] == 1
    assert figures["by_state"]["completed"] == 0
    assert sum(row["total"] for row in figures["by_committee"]) == 1
    assert figures["shared"] == 0
    assert later.pk and old.pk


@pytest.mark.django_db
def test_a_reversed_period_is_refused_as_on_the_barometer(client, copenhagen):
    response = dashboard(client, copenhagen, period_from="2026-06-01", period_to="2026-01-01")
    assert response.status_code == 400
    assert "Perioden skal slutte på eller efter sin første dag." in response.content.decode()


@pytest.mark.django_db
def test_the_barometer_is_a_chart_with_the_tables_behind_a_disclosure(client, copenhagen):
    InnovationFactory(committee=copenhagen.committee, collaborators=["citizens"])
    client.force_login(copenhagen.administrator)
    html = client.get("/barometer/").content.decode()
    assert html.count('class="chart comparison"') == html.count('class="card barometer-group"')
    assert html.count('class="chart comparison"') >= 3
    assert re.search(r'<details class="figures-table"><summary>Tallene som tabel</summary>', html)
    assert "Vores andel" in html and "Nationalt tal" in html
