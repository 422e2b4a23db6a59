"""Floors only point down, and no app's modules import each other in a circle.

The contracts are in ``pyproject.toml`` (``[tool.importlinter]``): a layers contract over
every app, bottom ``core`` to top ``workflow_project``, and an acyclic-siblings contract
inside each app. Imports inside functions count as much as those at the top of a module.
There is no exception list: the test fails on the first import that runs up the floors.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from importlinter.api import read_configuration
from importlinter.application import use_cases

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"


def _contracts() -> list[dict]:
    return tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]


def test_the_contracts_have_no_exception_list():
    for contract in _contracts():
        assert not contract.get("ignore_imports"), contract["id"]
        assert not contract.get("skip_descendants"), contract["id"]


def test_every_app_is_on_a_floor():
    session = read_configuration(str(CONFIG))["session_options"]
    ours = {
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in {"tests", "benchmarks"}
    }
    assert set(session["root_packages"]) == ours
    floors = next(c for c in _contracts() if c["id"] == "floors")["layers"]
    on_a_floor = {name.strip() for layer in floors for name in layer.split("|")}
    assert on_a_floor == ours


@pytest.mark.parametrize("contract", ["floors", "no-cycles-inside-an-app"])
def test_the_import_contract_is_kept(contract, capsys):
    kept = use_cases.lint_imports(
        config_filename=str(CONFIG),
        limit_to_contracts=(contract,),
        cache_dir=None,
        no_logo=True,
    )
    assert kept, capsys.readouterr().out
