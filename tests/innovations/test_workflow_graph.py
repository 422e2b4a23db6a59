"""The lifecycle graph is exported from the django-fsm declarations: as JSON, as Graphviz DOT,
as Mermaid, and into the README, which a test keeps in sync."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.functional import Promise

from innovations.workflow import (
    README_END,
    README_START,
    readme_with_workflow,
    transition_specs,
    workflow_readme_block,
)

from ..lifecycle import MOVES, STATES, needs_reason

README = Path(settings.BASE_DIR) / "README.md"
EDGES = {(m.source, m.target, m.transition) for m in MOVES}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("workflow_graph", *args, stdout=out)
    return out.getvalue()


def test_readme_shows_the_generated_lifecycle():
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] + "\n" == workflow_readme_block(), (
        "README.md's lifecycle is out of date: python manage.py workflow_graph --write-readme"
    )
    assert readme_with_workflow(text) == text


def test_json_lists_every_transition_with_what_it_requires():
    graph = json.loads(run("--format", "json"))

    assert graph["initial"] == "need"
    assert [state["name"] for state in graph["states"]] == STATES
    by_name = {t["name"]: t for t in graph["transitions"]}
    assert set(by_name) == {m.transition for m in MOVES}
    for move in MOVES:
        transition = by_name[move.transition]
        assert transition["requires"] == move.evidence
        assert move.source in transition["sources"]
        assert move.target in transition["targets"]
        assert transition["conditions"][0] == needs_reason(move.transition)
        assert transition["label"]
    assert by_name["resume"]["target"] == "paused_from"
    assert by_name["spread"]["conditions"][1] == "needs a submitted evaluation"
    assert by_name["stop"]["conditions"][1] == "needs the reason for stopping and what was learned"


def test_json_is_the_default_format():
    assert json.loads(run()) == json.loads(run("--format", "json"))


def test_dot_and_mermaid_draw_every_edge_of_the_table():
    dot = run("--format", "dot")
    mermaid = run("--format", "mermaid")

    assert dot.startswith("digraph spor_lifecycle {") and dot.rstrip().endswith("}")
    assert mermaid.startswith("stateDiagram-v2\n    [*] --> need\n")
    dot_edges = {line.strip() for line in dot.splitlines() if "->" in line}
    mermaid_edges = {line.strip() for line in mermaid.splitlines() if " : " in line}
    assert dot_edges == {f'"{s}" -> "{t}" [label="{n}"];' for s, t, n in EDGES}
    assert mermaid_edges == {f"{s} --> {t} : {n}" for s, t, n in EDGES}


def test_write_readme_rewrites_only_the_block(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        f"# Spor\n\nbefore\n\n{README_START}\nstale diagram\n{README_END}\n\nafter\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="out of date"):
        run("--check-readme", "--readme", str(readme))

    run("--write-readme", "--readme", str(readme))

    text = readme.read_text(encoding="utf-8")
    assert text == f"# Spor\n\nbefore\n\n{workflow_readme_block()}\nafter\n"
    assert "is up to date" in run("--check-readme", "--readme", str(readme))


def test_a_readme_without_markers_is_refused(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Spor\n", encoding="utf-8")
    with pytest.raises(CommandError, match="workflow:start"):
        run("--write-readme", "--readme", str(readme))


def test_labels_are_translated_when_read_not_when_cached():
    # the specs are cached for the process; their labels must follow the active language
    assert all(isinstance(spec.lazy_label, Promise) for spec in transition_specs())
