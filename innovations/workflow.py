"""The lifecycle as data, read from the django-fsm declarations on ``Innovation``.

This is the one place that turns the declarations into something else: the JSON graph,
Graphviz DOT, the README's Mermaid diagram and the API's ``/workflow/``.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from .models import ACTIVE_STATES, FINAL_STATES, Innovation, Requirement, State


@dataclasses.dataclass(frozen=True)
class TransitionSpec:
    name: str
    lazy_label: Any  # translated when read, in the language active then (the specs are cached)
    sources: tuple[str, ...]
    target: str  # "paused_from" for resume: the state the innovation was paused from;
    # "same" for amend_mandate: the phase it is in
    targets: tuple[str, ...]  # every state the transition can end in
    requires: str  # "decision" or "follow_up"
    conditions: tuple[Requirement, ...]

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    def describe_requirements(self) -> list[str]:
        return [condition.describe() for condition in self.conditions]


@cache
def transition_specs() -> tuple[TransitionSpec, ...]:
    field = Innovation._meta.get_field("state")
    grouped: dict[str, dict] = {}
    for transition in field.get_all_transitions(Innovation):
        spec = grouped.setdefault(
            transition.name,
            {
                "name": transition.name,
                "custom": transition.custom,
                "sources": [],
                "target": transition.target,
                "conditions": tuple(transition.conditions),
            },
        )
        spec["sources"].append(str(transition.source))
    specs = []
    for data in grouped.values():
        custom = data["custom"]
        target = data["target"]
        if custom.get("target") == "paused_from":
            target_name = "paused_from"
            targets = tuple(str(s) for s in target.allowed_states)
        elif custom.get("target") == "same":
            target_name = "same"
            targets = tuple(data["sources"])
        else:
            target_name = str(target)
            targets = (target_name,)
        specs.append(
            TransitionSpec(
                name=data["name"],
                lazy_label=custom["label"],
                sources=tuple(data["sources"]),
                target=target_name,
                targets=targets,
                requires=custom["requires"],
                conditions=data["conditions"],
            )
        )
    order = [state.value for state in State]
    specs.sort(key=lambda s: (order.index(s.sources[0]) if len(s.sources) == 1 else 99, s.name))
    return tuple(specs)


def transition_choices(requires: str | None = None) -> list[tuple[str, Any]]:
    """(name, label) of every transition, or of those documented by ``requires`` (an
    ``EvidenceKind``): the one list of transition names and labels, for model fields, forms,
    serializers, filters and the API schema."""
    return [(s.name, s.lazy_label) for s in transition_specs() if requires in (None, s.requires)]


def spec_for(name: str) -> TransitionSpec | None:
    return next((spec for spec in transition_specs() if spec.name == name), None)


def specs_from(state: str) -> list[TransitionSpec]:
    return [spec for spec in transition_specs() if state in spec.sources]


def transition_names() -> list[str]:
    return [spec.name for spec in transition_specs()]


def workflow_graph() -> dict:
    """The state graph as JSON-ready data: states and transitions with what each requires."""
    return {
        "initial": State.NEED.value,
        "states": [
            {
                "name": state.value,
                "label": str(state.label),
                "active": state in ACTIVE_STATES,
                "final": state in FINAL_STATES,
            }
            for state in State
        ],
        "transitions": [
            {
                "name": spec.name,
                "label": spec.label,
                "sources": list(spec.sources),
                "target": spec.target,
                "targets": list(spec.targets),
                "requires": spec.requires,
                "conditions": spec.describe_requirements(),
            }
            for spec in transition_specs()
        ],
    }


def workflow_json() -> str:
    return json.dumps(workflow_graph(), indent=2, ensure_ascii=False)


def _edges() -> list[tuple[str, str, str]]:
    edges = []
    for spec in transition_specs():
        for source in spec.sources:
            if spec.target == "same":
                edges.append((source, source, spec.name))
                continue
            for target in spec.targets:
                edges.append((source, target, spec.name))
    return edges


def workflow_dot() -> str:
    lines = [
        "digraph spor_lifecycle {",
        "  rankdir=LR;",
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
    ]
    lines.append(f'  "{State.NEED.value}" [penwidth=2];')
    for state in FINAL_STATES:
        lines.append(f'  "{state.value}" [shape=doubleoctagon];')
    for source, target, name in _edges():
        lines.append(f'  "{source}" -> "{target}" [label="{name}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def workflow_mermaid() -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {State.NEED.value}"]
    for source, target, name in _edges():
        lines.append(f"    {source} --> {target} : {name}")
    for state in FINAL_STATES:
        lines.append(f"    {state.value} --> [*]")
    return "\n".join(lines) + "\n"


def requirement_summary(name: str) -> str:
    spec = spec_for(name)
    if spec is None:
        return _("unknown transition")
    return "; ".join(spec.describe_requirements())


# --- The README's lifecycle section ------------------------------------------------------------

README_START = "<!-- workflow:start -->"
README_END = "<!-- workflow:end -->"


def workflow_readme_block() -> str:
    """The README's Mermaid diagram and what each transition requires, in English.

    ``manage.py workflow_graph --write-readme`` writes it between the two markers; a test
    fails when the README and the declarations differ.
    """
    with translation.override("en"):
        lines = [README_START, "```mermaid", workflow_mermaid().rstrip("\n"), "```", ""]
        lines += ["| transition | from | to | requires |", "|---|---|---|---|"]
        for spec in transition_specs():
            sources = ", ".join(f"`{source}`" for source in spec.sources)
            if spec.target == "paused_from":
                target = "the state it was paused from"
            elif spec.target == "same":
                target = "the same phase"
            else:
                target = f"`{spec.target}`"
            requires = "; ".join(spec.describe_requirements())
            lines.append(f"| `{spec.name}` ({spec.label}) | {sources} | {target} | {requires} |")
        lines.append(README_END)
    return "\n".join(lines) + "\n"


def readme_with_workflow(text: str) -> str:
    """``text`` (a README) with its block between the markers replaced by the generated one."""
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {README_START} ... {README_END} block")
    end += len(README_END)
    if text[end : end + 1] == "\n":
        end += 1
    return text[:start] + workflow_readme_block() + text[end:]
