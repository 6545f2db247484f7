"""``lotwise import ibkr``: a Flex statement into the household, round trip to the ledger,
re-import adds nothing, and every bad statement exits 2 naming file and line, writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tools.importers.plan as plan_module
from tests.importers.conftest import Run
from tests.importers.household import SAMPLES
from tools.importers.plan import _existing_rows as existing_rows
from tools.loading.source_file import SourceFile

FLEX = SAMPLES / "flex_2025.xml"


def _import(lotwise: Run, data: Path, statement: Path, *extra: str) -> tuple[int, dict, str]:
    code, out, err = lotwise(
        "import", "ibkr", statement, "--data", data, "--account", "IB1", "--format", "json", *extra
    )
    return code, json.loads(out) if out.strip() else {}, err


def _ledger(lotwise: Run, data: Path) -> dict:
    code, out, err = lotwise("ledger", "--data", data, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_dry_run_reports_and_writes_nothing(lotwise: Run, household: Path) -> None:
    before = (household / "transactions.csv").read_bytes()
    code, plan, _ = _import(lotwise, household, FLEX)
    assert code == 0
    assert plan["applied"] is False
    assert plan["rows_to_add"] == 7
    assert plan["by_action"] == {
        "buy": 1,
        "deposit": 1,
        "dividend": 1,
        "sell": 1,
        "split": 1,
        "transfer_in": 2,
    }
    assert plan["symbols"] == ["AAA", "CCC", "MSFT"]
    assert (plan["first_date"], plan["last_date"]) == ("2021-05-03", "2025-06-02")
    skipped = {(p["row"], p["blocking"]) for p in plan["problems"]}
    assert skipped == {(14, False), (22, False)}  # the option trade and the withholding tax
    assert (household / "transactions.csv").read_bytes() == before


def test_round_trip_keeps_lots_basis_and_dates(lotwise: Run, household: Path) -> None:
    code, plan, err = _import(lotwise, household, FLEX, "--apply")
    assert code == 0, err
    assert plan["applied"] is True
    ledger = _ledger(lotwise, household)
    lots = {(lot["account_id"], lot["lot_id"]): lot for lot in ledger["open_lots"]}
    msft = lots[("IB1", "ibkr-1001")]
    assert (msft["quantity"], msft["acquired_date"], msft["cost_basis"]) == (10, "2021-05-03", 2500)
    aaa = lots[("IB1", "ibkr-1002")]  # 100 held before 2025, 60 sold: the 40 left keep basis
    assert (aaa["quantity"], aaa["cost_basis"]) == (40, 2000)
    ccc = lots[("IB1", "ibkr-2001")]  # bought in the statement, then split 2 for 1
    assert ccc["quantity"] == 20
    sale = [d for d in ledger["disposals"] if d["account_id"] == "IB1"]
    assert sum(d["quantity"] for d in sale) == 60
    assert {d["lot_id"] for d in sale} == {"ibkr-1002"}
    assert {d["term"] for d in sale} == {"long"}
    # The spouse's AAB purchase ten days later washes 50 of the 60 shares' loss.
    assert sum(d["wash_sale_disallowed"] for d in sale) == pytest.approx(501.0)
    assert ledger["cash"]["IB1"] == pytest.approx(5000 - (10 * 50 + 1) + (60 * 40 - 1.2) + 7.5)


def test_reimport_adds_nothing(lotwise: Run, household: Path) -> None:
    assert _import(lotwise, household, FLEX, "--apply")[0] == 0
    after_first = (household / "transactions.csv").read_bytes()
    code, plan, _ = _import(lotwise, household, FLEX, "--apply")
    assert code == 0
    assert (plan["rows_to_add"], plan["already_imported"]) == (0, 7)
    assert (household / "transactions.csv").read_bytes() == after_first


def test_dedup_is_what_prevents_a_double_import(
    lotwise: Run, household: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the source_id check switched off, the second import is caught by the loader (lot
    ids reused, shares oversold) instead of silently doubling the account."""
    assert _import(lotwise, household, FLEX, "--apply")[0] == 0
    after_first = (household / "transactions.csv").read_bytes()

    def without_ids(source: SourceFile | None) -> tuple[list[str], list[dict[str, str]]]:
        header, rows = existing_rows(source)
        return header, [{**row, "source_id": ""} for row in rows]

    monkeypatch.setattr(plan_module, "_existing_rows", without_ids)
    code, plan, _ = _import(lotwise, household, FLEX, "--apply")
    assert code == 2
    # The held lots are still recognised by lot id; the trades and cash would be doubled.
    # A repeated buy with the same lot id reads as the same purchase (CONTRACTS §1), so only
    # the repeated sell gives the double import away: the source ids are the real guard.
    assert (plan["rows_to_add"], plan["already_held"]) == (5, 2)
    blocking = [p["message"] for p in plan["problems"] if p["blocking"]]
    assert blocking == [
        "sell AAA: sell of 60 AAA on 2025-03-10 exceeds the 40 shares held in account IB1"
    ]
    assert (household / "transactions.csv").read_bytes() == after_first


def _flex_variant(tmp_path: Path, old: str, new: str) -> Path:
    text = FLEX.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.xml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_lot_without_basis_is_blocking_not_guessed(
    lotwise: Run, household: Path, tmp_path: Path
) -> None:
    statement = _flex_variant(tmp_path, ' costBasisMoney="2500" costBasisPrice="250"', "")
    before = (household / "transactions.csv").read_bytes()
    code, plan, _ = _import(lotwise, household, statement, "--apply")
    assert code == 2
    blocking = [p for p in plan["problems"] if p["blocking"]]
    assert [(p["row"], p["column"]) for p in blocking] == [(6, "costBasisMoney")]
    assert "incomplete lot ibkr-1001 of MSFT" in blocking[0]["message"]
    assert plan["applied"] is False
    assert (household / "transactions.csv").read_bytes() == before


def test_unsupported_corporate_action_is_blocking(
    lotwise: Run, household: Path, tmp_path: Path
) -> None:
    statement = _flex_variant(
        tmp_path,
        'SPLIT 2 FOR 1 (CCC, GAMMA CORP, US0000000001)" dateTime="20250602;202500" '
        'reportDate="20250602" quantity="10" type="FS"',
        'SPINOFF 1 FOR 5 (DDD)" dateTime="20250602;202500" reportDate="20250602" '
        'quantity="2" type="SO"',
    )
    code, plan, _ = _import(lotwise, household, statement)
    assert code == 2
    blocking = [p for p in plan["problems"] if p["blocking"]]
    assert len(blocking) == 1
    assert blocking[0]["row"] == 17 and "unsupported corporate action SO" in blocking[0]["message"]


def test_unknown_symbol_is_reported_on_its_line(
    lotwise: Run, household: Path, tmp_path: Path
) -> None:
    statement = _flex_variant(
        tmp_path, 'symbol="MSFT" description="MSFT CASH', 'symbol="ZZZ" description="MSFT CASH'
    )
    code, plan, _ = _import(lotwise, household, statement, "--apply")
    assert code == 2
    blocking = [p for p in plan["problems"] if p["blocking"]]
    assert [(p["file"], p["row"], p["column"]) for p in blocking] == [("variant.xml", 21, "symbol")]
    assert "unknown symbol 'ZZZ'" in blocking[0]["message"]
    assert "securities.csv" in blocking[0]["message"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (FLEX.read_bytes()[: len(FLEX.read_bytes()) // 2], "not well-formed XML"),
        (FLEX.read_bytes().replace(b"MICROSOFT", b"MICRO\xffSOFT"), "not UTF-8"),
        (b"<Statement/>", "not a Flex Query statement"),
        (b"", "file is empty"),
        (
            FLEX.read_bytes().replace(b'<FlexStatements count="1">', b'<FlexStatements count="2">'),
            "not a Flex Query statement",
        ),
    ],
    ids=["truncated", "not-utf8", "not-flex", "empty", "bad-count"],
)
def test_bad_statement_exits_2_naming_the_file_and_writes_nothing(
    lotwise: Run, household: Path, tmp_path: Path, content: bytes, expected: str
) -> None:
    statement = tmp_path / "broken.xml"
    statement.write_bytes(content)
    before = (household / "transactions.csv").read_bytes()
    code, out, err = lotwise(
        "import", "ibkr", statement, "--data", household, "--account", "IB1", "--apply"
    )
    assert code == 2
    assert out == ""
    assert "broken.xml" in err and expected in err
    assert "Traceback" not in err
    assert (household / "transactions.csv").read_bytes() == before


def test_truncated_statement_names_the_line(lotwise: Run, household: Path, tmp_path: Path) -> None:
    lines = FLEX.read_text(encoding="utf-8").splitlines(keepends=True)
    statement = tmp_path / "cut.xml"
    statement.write_text("".join(lines[:12]), encoding="utf-8")
    code, _, err = lotwise("import", "ibkr", statement, "--data", household, "--account", "IB1")
    assert code == 2
    assert "cut.xml, row 13" in err and "truncated" in err


def test_unknown_account_exits_2(lotwise: Run, household: Path) -> None:
    code, out, err = lotwise("import", "ibkr", FLEX, "--data", household, "--account", "NOPE")
    assert code == 2 and out == ""
    assert "unknown account 'NOPE'" in err


def _two_statements(tmp_path: Path) -> Path:
    text = FLEX.read_text(encoding="utf-8")
    start = text.index("<FlexStatement ")
    end = text.index("</FlexStatement>") + len("</FlexStatement>")
    other = text[start:end].replace("U0000001", "U0000002")
    both = text[:end] + "\n" + other + text[end:]
    path = tmp_path / "two.xml"
    path.write_text(both.replace('count="1"', 'count="2"'), encoding="utf-8")
    return path


def test_several_statements_need_a_choice(lotwise: Run, household: Path, tmp_path: Path) -> None:
    statement = _two_statements(tmp_path)
    code, out, err = lotwise("import", "ibkr", statement, "--data", household, "--account", "IB1")
    assert code == 2 and out == ""
    assert "2 statements (U0000001, U0000002)" in err and "--statement-account" in err
    code, plan, err = _import(
        lotwise, household, statement, "--statement-account", "U0000002", "--apply"
    )
    assert code == 0, err
    assert plan["rows_to_add"] == 7
    ids = (household / "transactions.csv").read_text(encoding="utf-8")
    assert "ibkr:U0000002:trade:2002:1" in ids and "U0000001" not in ids
