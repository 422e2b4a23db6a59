"""Spor imports what exists, directly: no guard that hides a missing module or URL name.

A ``try: from reminders... import x / except ImportError`` around our own code turns a
renamed function into a silent fallback (``innovations/portfolio.py`` imported a selector
that did not exist, and its fallback always ran); a chain of URL names ending in a literal
path hides a renamed URL the same way. Both must fail loudly instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

OUR_PACKAGES = (
    "core",
    "organisations",
    "audit",
    "access",
    "innovations",
    "decisions",
    "reminders",
    "webhooks",
    "privacy",
    "api",
    "web",
    "demo",
    "workflow_project",
)


def _sources() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return [
        path
        for package in OUR_PACKAGES
        for path in sorted((base / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _imports_ours(nodes: list[ast.stmt]) -> bool:
    for node in ast.walk(ast.Module(body=nodes, type_ignores=[])):
        if isinstance(node, ast.ImportFrom) and (
            node.level > 0 or (node.module or "").split(".")[0] in OUR_PACKAGES
        ):
            return True
        if isinstance(node, ast.Import) and any(
            alias.name.split(".")[0] in OUR_PACKAGES for alias in node.names
        ):
            return True
    return False


def _catches(handler: ast.ExceptHandler, name: str) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(
        (isinstance(n, ast.Name) and n.id == name)
        or (isinstance(n, ast.Attribute) and n.attr == name)
        for n in names
    )


def test_no_import_of_our_own_code_is_guarded_by_except_import_error():
    guarded = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Try)
                and _imports_ours(node.body)
                and any(_catches(handler, "ImportError") for handler in node.handlers)
            ):
                guarded.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert guarded == []


def test_no_url_is_found_by_trying_names_until_one_reverses():
    guarded = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Try) and any(
                _catches(handler, "NoReverseMatch") for handler in node.handlers
            ):
                guarded.append(f"{path.relative_to(settings.BASE_DIR)}:{node.lineno}")
    assert guarded == []
