"""The README and docs/ point only at what exists.

Every Markdown link resolves from the file it is in; every file path the pages name in
backticks (``tests/web/test_web_pages.py``, ``docs/api.md``, ``scripts/``) exists from the
repository's root, and every migration they name (``decisions/0003_immutable_records``)
is a migration of that app; and the README's Documentation list names every page in docs/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TOP = {p.name for p in ROOT.iterdir() if p.is_dir() and not p.name.startswith(".")} | {".ci"}
# Folders whose names, ending in "/", are always folders of the repository (not URL paths).
FOLDERS = {
    "tests",
    "docs",
    "scripts",
    "benchmarks",
    "requirements",
    "static",
    "templates",
    "locale",
}
EXTENSIONS = (".py", ".md", ".json", ".txt", ".csv", ".yml", ".toml", ".html", ".css", ".js", ".po")
LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")
CODE = re.compile(r"`([^`\s]+)`")
MIGRATION = re.compile(r"^(\w+)/(\d{4})(_\w+)?$")
PLACEHOLDER = re.compile(r"[<>{}*…|]|\.\.\.")


def _named_paths(text: str) -> list[str]:
    """The repository paths a page names in backticks (a test id's ``::name`` dropped)."""
    paths = []
    for match in CODE.finditer(text):
        path = match.group(1).split("::")[0]
        if "/" not in path or path.split("/")[0] not in TOP or PLACEHOLDER.search(path):
            continue
        paths.append(path)
    return paths


def _exists(path: str) -> bool | None:
    """Whether ``path`` exists; None when it does not look like a file or migration."""
    if migration := MIGRATION.match(path):
        app, number, name = migration.groups()
        return any((ROOT / app / "migrations").glob(f"{number}{name or '_'}*.py"))
    if path.endswith(EXTENSIONS) or (path.endswith("/") and path.split("/")[0] in FOLDERS):
        return (ROOT / path).exists()
    return None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_and_named_path_resolves(page):
    text = page.read_text(encoding="utf-8")
    broken = [
        f"link {target}"
        for target in LINK.findall(text)
        if not re.match(r"[a-z]+:", target) and not (page.parent / target).exists()
    ]
    broken += [f"path {path}" for path in _named_paths(text) if _exists(path) is False]
    assert not broken, f"{page.relative_to(ROOT)} points at what does not exist: {broken}"


def test_the_readme_lists_every_page_in_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(LINK.findall(readme.split("## Documentation", 1)[1]))
    missing = [
        f"docs/{page.name}"
        for page in sorted((ROOT / "docs").iterdir())
        if f"docs/{page.name}" not in listed
    ]
    assert not missing, f"README.md's Documentation list lacks {missing}"


def test_the_checker_finds_a_broken_link_and_a_missing_path():
    assert _exists("tests/no_such_test.py") is False
    assert _exists("decisions/0099_no_such_migration") is False
    assert _exists("decisions/0003_immutable_records") is True
    assert _exists("webhooks/deliveries/") is None  # an API path, not a folder
    assert _named_paths("`tests/web/test_web_pages.py::test_x` and `/api/v1/`") == [
        "tests/web/test_web_pages.py"
    ]
