"""Every documented bad input gets its documented answer, and never a traceback.

Exit code 2 (bad input) prints nothing on stdout, so a ``--format json`` reader never sees
half a document; the message names file, row and column as ``docs/bad-input.md`` shows.
"""

from __future__ import annotations

import getpass
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.paths import STATE_ENV
from tests.badinput.cases import CASES, ME, Case
from tests.badinput.table import DOC_PATH, render
from tests.loading.conftest import DataDirBuilder

_BOX = re.compile(r"[│╭╮╰╯─]")


def run_case(case: Case, tmp_path: Path) -> tuple[int, str, str]:
    builder = DataDirBuilder(tmp_path / "data")
    if case.edit is not None:
        case.edit(builder)
    builder.write()
    command = [getpass.getuser() if word == ME else word for word in case.command]
    arguments = [*command, "--data", str(tmp_path / case.data), *case.extra]
    result = CliRunner().invoke(app, arguments)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a traceback is a failure whatever the exit code
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_its_documented_answer(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)
    code, out, err = run_case(case, tmp_path)
    assert code == case.exit_code, err
    assert "Traceback" not in err
    text = " ".join(_BOX.sub(" ", out + err).split())  # usage errors are boxed and wrapped
    if case.where:
        assert f"{case.where}: " in err, err
    assert " ".join(case.message.split()) in text, text
    if case.exit_code == 2:
        assert out == ""


def test_the_cases_are_many_and_distinct() -> None:
    names = [case.name for case in CASES]
    assert len(set(names)) == len(names) >= 60
    assert len({case.bad for case in CASES}) == len(CASES)


def test_the_documented_table_is_the_tested_one() -> None:
    """docs/bad-input.md is rendered from CASES (``python -m tests.badinput.table``)."""
    assert DOC_PATH.read_text(encoding="utf-8") == render(CASES)
    readme = (DOC_PATH.parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"lists the {len(CASES)} bad inputs the tests try" in readme
