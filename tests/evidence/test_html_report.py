"""``lotwise evidence export --html``: the compliance report of a real run, read back as a
table parser and as a browser sees it (headless Chromium screenshot)."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from agent.evidence import EvidenceStore
from tests.evidence.conftest import (
    MARKUP,
    ReviewedRun,
    fill_run,
    run_cli,
    stored_body,
    tamper,
)

CHROMIUM = shutil.which("chromium")
WINDOW = (1280, 2000)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class _Tables(HTMLParser):
    """Every table's rows (cell texts), keyed by the heading of its section."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._heading: str | None = None
        self._in_heading = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self._in_heading, self._heading = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_heading = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._heading is not None:
            self.tables.setdefault(self._heading.split(" (")[0], []).append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self._heading = (self._heading or "") + data
        if self._cell is not None:
            self._cell.append(data)


@pytest.fixture(scope="module")
def report(reviewed: ReviewedRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    destination = tmp_path_factory.mktemp("report") / "report.html"
    code, out, _ = run_cli(
        "export", reviewed.run_id, "--html", str(destination), "--data", str(reviewed.data_dir)
    )
    assert code == 0
    assert f"exported run {reviewed.run_id} to {destination}: verified" in out
    return destination


def _tables(report: Path) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(report.read_text(encoding="utf-8"))
    return parser.tables


def test_report_lists_every_trade_of_the_run(reviewed: ReviewedRun, report: Path) -> None:
    header, *rows = _tables(report)["Trades"]
    assert header[:4] == ["#", "account", "side", "symbol"]
    assert [(r[1], r[2], r[3], r[6], r[9]) for r in rows] == [
        (t["account_id"], t["side"], t["symbol"], f"{t['quantity']:g}", t["reason"])
        for t in reviewed.proposal["trades"]
    ]
    for row, trade in zip(rows, reviewed.proposal["trades"], strict=True):
        relieved = [f"{lot['lot_id']}: {lot['quantity']:g}" for lot in trade["lots"]]
        assert row[10].split("\n") == (relieved or ["-"])


def test_report_lists_every_check_with_its_evidence(reviewed: ReviewedRun, report: Path) -> None:
    _, *rows = _tables(report)["Checks"]
    checks = reviewed.of_kind("check")
    assert [(int(r[0]), r[1], r[2], r[3]) for r in rows] == [
        (c.seq, c.node, c.outputs["check"], "pass" if c.outputs["passed"] else "FAIL")
        for c in checks
    ]
    cited = {int(r[0]) for r in rows if r[7] == "cited by the proposal"}
    assert cited == {c["evidence_seq"] for c in reviewed.proposal["checks"]}
    tracking = next(r for r in rows if r[2] == "tracking_error")
    assert "rivera-joint.te_before: " in tracking[5]


def test_report_records_approval_orders_and_chain(reviewed: ReviewedRun, report: Path) -> None:
    tables = _tables(report)
    _, approval = tables["Approval"]
    assert approval[2:6] == ["ben (caller)", "approved", "checked <b>all</b> trades", "-"]
    assert approval[7] == "yes"  # the hash ben saw is the recorded proposal's
    _, *orders = tables["Orders executed"]
    executed = reviewed.of_kind("execution")[-1].outputs["orders"]
    assert [r[0] for r in orders] == [o["order_id"] for o in executed]
    text = report.read_text(encoding="utf-8")
    assert reviewed.records[-1].hash in text and ">intact<" in text
    assert "requested by</dt><dd>ana (caller)</dd>" in text  # named by the test's code


def test_report_is_self_contained_and_escaped(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert MARKUP not in text and "<b>all</b>" not in text
    assert not re.search(r"""(?:src|href)=["'](?!data:|#)""", text)  # nothing fetched
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', text)
    assert len(images) == 3  # TE, losses by sector, wash-sale calendar
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)


@pytest.mark.skipif(CHROMIUM is None, reason="needs the chromium package (.ci/run installs it)")
def test_report_renders_in_a_headless_browser(report: Path, tmp_path: Path) -> None:
    screenshot = tmp_path / "report.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={screenshot}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            report.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = matplotlib.image.imread(screenshot)
    assert pixels.shape[:2] == (WINDOW[1], WINDOW[0])
    rgb = pixels[..., :3]
    not_white = np.any(rgb < 0.9, axis=-1).mean()
    assert not_white > 0.05, f"only {not_white:.1%} of the page is drawn"
    assert rgb.std() > 0.05
    # The charts are drawn, not just text: some pixels carry the chart colours (saturated).
    saturation = rgb.max(axis=-1) - rgb.min(axis=-1)
    assert (saturation > 0.3).mean() > 0.01


def test_report_of_a_tampered_run_on_changed_data(reviewed: ReviewedRun, tmp_path: Path) -> None:
    data_dir = reviewed.copy_to(tmp_path / "data")
    store = data_dir / ".lotwise" / "evidence.sqlite"
    body = stored_body(store, reviewed.run_id, 2)
    tamper(
        store,
        (
            "UPDATE evidence SET body = ? WHERE run_id = ? AND seq = ?",
            (body.replace('"first_run":true', '"first_run":false'), reviewed.run_id, 2),
        ),
    )
    (data_dir / "accounts.csv").write_text(
        (data_dir / "accounts.csv").read_text(encoding="utf-8").replace("true", "false", 1),
        encoding="utf-8",
    )
    destination = tmp_path / "report.html"
    code, out, _ = run_cli(
        "export", reviewed.run_id, "--html", str(destination), "--data", str(data_dir)
    )
    assert code == 1 and "verification failed" in out
    text = destination.read_text(encoding="utf-8")
    assert ">FAILED<" in text and f"run {reviewed.run_id}, seq 2" in text
    assert "Wash-sale calendar unavailable" in text
    assert "accounts.csv: changed since the run" in text


def test_export_needs_a_destination(reviewed: ReviewedRun) -> None:
    code, out, _ = run_cli("export", reviewed.run_id, "--data", str(reviewed.data_dir))
    assert code == 2 and out == ""


def test_report_of_a_run_without_data_or_proposal(store: EvidenceStore, tmp_path: Path) -> None:
    """Records that are not a review's (no input files, no valid proposal) still report."""
    fill_run(store, "hh-1-20250102-1", 7)
    destination = tmp_path / "report.html"
    code, _, _ = run_cli(
        "export",
        "hh-1-20250102-1",
        "--html",
        str(destination),
        "--data",
        str(store.path.parent.parent),
    )
    assert code == 0
    tables = _tables(destination)
    assert [int(row[0]) for row in tables["Evidence records"][1:]] == list(range(1, 8))
    assert [int(row[0]) for row in tables["Checks"][1:]] == [4]
    text = destination.read_text(encoding="utf-8")
    assert "Wash-sale calendar unavailable" in text and "recorded no input snapshot" in text
