"""The SVG pictures: drawn from the workflow graph, current phase marked, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.utils import translation

from innovations.models import State
from innovations.workflow import workflow_graph
from web.diagrams import bar_chart_svg, column_chart_svg, lifecycle_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_the_lifecycle_has_every_state_of_the_graph_and_marks_the_current_one():
    with translation.override("en"):
        root = parse(lifecycle_svg(State.TESTING))
        texts = [t.text for t in root.iter(f"{SVG}text")]
        for state in workflow_graph()["states"]:
            assert state["label"] in texts
        current = [g for g in root.iter(f"{SVG}g") if "phase-current" in g.get("class", "")]
        assert len(current) == 1
        assert "Testing" in [t.text for t in current[0].iter(f"{SVG}text")]
        assert root.find(f"{SVG}desc").text == "Current phase: Testing"


def test_a_paused_innovation_shows_the_phases_it_passed_before_pausing():
    root = parse(lifecycle_svg(State.PAUSED, paused_from=State.IMPLEMENTING))
    filled = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert filled.count("#e3edf7") == 3  # need, exploring, testing lie behind it


def test_chart_labels_are_escaped():
    svg = bar_chart_svg([("<script>alert(1)</script>", 3)], title='Udvalg "A" & B')
    assert "<script>" not in svg
    parse(svg)  # well-formed
    parse(column_chart_svg([("nov 26", 4, 2)], title="<b>"))
