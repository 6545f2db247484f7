"""A full disk or a read-only folder: one line naming the path, exit 1, nothing half-written.

Disk-full is simulated by making the file system's write fail with ``ENOSPC`` inside the
process; read-only folders are real (``chmod``), and when the tests run as root, whom
``chmod`` does not stop, the command runs without the capabilities that bypass it.
"""

from __future__ import annotations

import errno
import getpass
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from typer.core import TyperGroup
from typer.testing import CliRunner

from agent.cli.failures import LotwiseGroup
from agent.cli.main import app
from agent.paths import STATE_ENV
from agent.review.runner import ReviewRunner
from tests.agent.datadir import TAXABLE, write_data_dir
from tests.agent.scripted import ScriptedOptimizer, harvest_trades
from tools.risk import atomic

REPO_ROOT = Path(__file__).resolve().parents[2]
DISK_FULL = "No space left on device"


@pytest.fixture(autouse=True)
def _state_beside_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STATE_ENV, raising=False)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_data_dir(tmp_path / "data")


def _disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every atomic file write fails as on a full disk, after the bytes were half-written."""

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, DISK_FULL)

    monkeypatch.setattr(atomic.os, "fsync", full)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_disk_full_while_saving_alerts(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["risk", "--data", str(data), "--account", TAXABLE]).exit_code == 0
    before = _files(data)
    _disk_full(monkeypatch)

    result = runner.invoke(app, ["risk", "--data", str(data), "--account", TAXABLE])

    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert line == f"error: cannot use {data / '.lotwise' / 'alerts.json'}: {DISK_FULL}"
    assert result.stdout == ""
    assert _files(data) == before  # the old alerts stay, no temporary file is left


def test_without_the_failure_handling_a_full_disk_is_a_traceback(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checks above can fail: with the command group's handling off, the error escapes."""
    monkeypatch.setattr(LotwiseGroup, "invoke", TyperGroup.invoke)
    _disk_full(monkeypatch)

    result = CliRunner().invoke(app, ["risk", "--data", str(data), "--account", TAXABLE])

    assert isinstance(result.exception, OSError)
    assert result.exception.errno == errno.ENOSPC


def test_disk_full_while_writing_orders(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reviewer = ReviewRunner(data, optimizer=ScriptedOptimizer({TAXABLE: harvest_trades(data)}))
    run = reviewer.review("hh-a", requested_by="alice")
    transactions = (data / "transactions.csv").read_bytes()
    _disk_full(monkeypatch)

    result = CliRunner().invoke(
        app, ["approve", run.run_id, "--data", str(data), "--by", getpass.getuser()]
    )

    assert result.exit_code == 1
    orders = data / ".lotwise" / "orders" / f"{run.run_id}.json"
    assert _one_error_line(result.stderr) == f"error: cannot use {orders}: {DISK_FULL}"
    assert (data / "transactions.csv").read_bytes() == transactions  # no fill appended
    assert not list((data / ".lotwise" / "orders").glob(".*.tmp"))


def test_disk_full_while_generating_keeps_the_old_files(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _files(data)
    real_write = Path.write_bytes

    def write_until_full(path: Path, payload: bytes) -> int:
        if path.name == "transactions.csv":
            raise OSError(errno.ENOSPC, DISK_FULL, str(path))
        return real_write(path, payload)

    monkeypatch.setattr(Path, "write_bytes", write_until_full)

    result = CliRunner().invoke(app, ["data", "generate", "--out", str(data), "--force"])

    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert line.startswith("error: cannot use ") and line.endswith(f"transactions.csv: {DISK_FULL}")
    assert _files(data) == before


# -- read-only folders (real permissions) -------------------------------------------------

_UNPRIVILEGED = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner"]


def _lotwise(*args: str) -> subprocess.CompletedProcess[str]:
    """``lotwise`` in a new process that file permissions apply to, even under root."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: chmod cannot make a folder read-only")
        prefix = _UNPRIVILEGED
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop(STATE_ENV, None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "agent.cli.main", *args],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture
def read_only() -> Iterator[list[Path]]:
    """Folders put in this list are made read-only, and writable again after the test."""
    folders: list[Path] = []
    yield folders
    for folder in folders:
        folder.chmod(folder.stat().st_mode | stat.S_IWUSR)


def _make_read_only(folder: Path, registry: list[Path]) -> None:
    registry.append(folder)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)


def test_read_only_data_folder(data: Path, read_only: list[Path]) -> None:
    _make_read_only(data, read_only)

    result = _lotwise("review", "--data", str(data), "--household", "hh-b")

    assert result.returncode == 1
    line = _one_error_line(result.stderr)
    assert line == f"error: cannot use {data / '.lotwise'}: Permission denied"
    assert result.stdout == ""
    assert not (data / ".lotwise").exists()


def test_read_only_state_folder_leaves_the_stores_as_they_were(
    data: Path, read_only: list[Path]
) -> None:
    first = _lotwise("review", "--data", str(data), "--household", "hh-b", "--format", "json")
    assert first.returncode == 0, first.stderr
    state = data / ".lotwise"
    before = _stores(state)
    _make_read_only(state, read_only)

    result = _lotwise("review", "--data", str(data), "--household", "hh-b", "--force")

    assert result.returncode == 1
    line = _one_error_line(result.stderr)
    assert line == f"error: cannot use {state}: Permission denied"
    assert _stores(state) == before


def _without_index(files: dict[str, bytes]) -> dict[str, bytes]:
    """The stores' contents, SQLite databases compared by what they hold: a database in
    write-ahead-log mode moves its log into the main file when the last reader closes, which
    changes the bytes of both files but not one row."""
    return {name: content for name, content in files.items() if not name.endswith(("-shm", "-wal"))}


def _stores(state: Path) -> dict[str, bytes]:
    """:func:`_files` of the state folder, each SQLite database as its SQL dump."""
    files = _without_index(_files(state))
    for name in [n for n in files if n.endswith(".sqlite")]:
        with closing(sqlite3.connect(f"file:{state / name}?mode=ro", uri=True)) as conn:
            files[name] = "\n".join(conn.iterdump()).encode("utf-8")
    return files
