"""Every bad input the documentation promises an answer to, with the answer.

Each case breaks the small valid data directory of ``tests/loading/conftest.py`` in one place
(or passes one bad option), runs one ``lotwise`` command and states the exit code and the
message shape. ``test_bad_input_cases.py`` runs them all; ``table.py`` renders them as
``docs/bad-input.md``, and a test checks the page and these cases agree.

Fixture rows (1-based): accounts.csv 1 T1/H1, 2 I1/H1, 3 R2/H2, 4 T2/H2; transactions.csv
1 T1 deposit 10000, 2 T1 buy AAA, 3 T1 buy BBB lot B-1, 4 T1 split AAA 2, 5 T1 sell AAA,
6 dividend, 7 reinvest, 8-9 I1 deposit and buy VTI, 10 R2 transfer_in CCC, 11 T2 deposit 3000,
12 T2 buy ITOT lot L7, 13 T2 sell L7, 14 T1 withdraw 100. Prices run 2024-01-02..2024-01-08.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.loading.conftest import DataDirBuilder

Edit = Callable[[DataDirBuilder], object]
VALIDATE = ("data", "validate")
ME = "$USER"  # replaced by the operating-system user, whom the CLI authenticates
LONG = "x" * 300


@dataclass(frozen=True)
class Case:
    """One bad input: what is wrong, how it is entered, and what lotwise answers."""

    name: str  # pytest id, unique
    topic: str  # the table section
    bad: str  # what is wrong, in words
    edit: Edit | None = None  # how the valid directory is broken (None: it stays valid)
    command: tuple[str, ...] = VALIDATE  # lotwise arguments; --data DIR is appended
    exit_code: int = 2
    where: str | None = None  # "file, row R, column C" the message starts with
    message: str = ""  # a fragment of the message (after ``where``)
    extra: tuple[str, ...] = field(default=())  # more arguments after --data DIR
    data: str = "data"  # the folder --data names, beside the one written ("gone": none)


def cell(file: str, row: int, column: str, value: str) -> Edit:
    return lambda d: d.set(file, row, column, value)


def add_account(account_id: str, household_id: str = "H1") -> Edit:
    row = {
        "account_id": account_id,
        "household_id": household_id,
        "owner": "carol",
        "tax_type": "taxable",
        "managed": "false",
    }
    return lambda d: d.append("accounts.csv", row)


def policy(text: str) -> Edit:
    def edit(d: DataDirBuilder) -> None:
        d.policy = text

    return edit


def raw(file: str, content: bytes) -> Edit:
    return lambda d: d.write_raw(file, content)


def both(*edits: Edit) -> Edit:
    def edit(d: DataDirBuilder) -> None:
        for one in edits:
            one(d)

    return edit


IDS = "Paths and names"
POLICY = "Policy"
NUMBERS = "Quantities, prices and amounts"
DATES = "Dates and as-of"
CASH = "Cash"
FILES = "Files, cells and references"
OPTIONS = "Commands and options"
ID_CHARS = "may hold only letters, digits, '-', '_' and '.'"

CASES: tuple[Case, ...] = (
    # -- ids: household, account, lot, run --------------------------------------------------
    Case(
        "household-parent-path",
        IDS,
        "household_id `../../../escape`",
        cell("accounts.csv", 1, "household_id", "../../../escape"),
        ("review", "--household", "../../../escape"),
        where="accounts.csv, row 1, column household_id",
        message="'../../../escape' starts with a dot",
    ),
    Case(
        "household-subfolder",
        IDS,
        "household_id `a/b`",
        cell("accounts.csv", 1, "household_id", "a/b"),
        where="accounts.csv, row 1, column household_id",
        message=f"'a/b' {ID_CHARS}",
    ),
    Case(
        "household-too-long",
        IDS,
        "household_id of 300 characters",
        cell("accounts.csv", 1, "household_id", LONG),
        ("daily",),
        where="accounts.csv, row 1, column household_id",
        message="is 300 characters long (at most 64)",
    ),
    Case(
        "household-hidden",
        IDS,
        "household_id `.hidden`",
        cell("accounts.csv", 3, "household_id", ".hidden"),
        where="accounts.csv, row 3, column household_id",
        message="'.hidden' starts with a dot",
    ),
    Case(
        "household-space",
        IDS,
        "household_id with a space",
        cell("accounts.csv", 1, "household_id", "the smiths"),
        where="accounts.csv, row 1, column household_id",
        message=ID_CHARS,
    ),
    Case(
        "household-backslash",
        IDS,
        "household_id `..\\evil` (Windows separator)",
        cell("accounts.csv", 1, "household_id", "..\\evil"),
        where="accounts.csv, row 1, column household_id",
        message="starts with a dot",
    ),
    Case(
        "account-parent-path",
        IDS,
        "account_id `../acct`",
        add_account("../acct"),
        ("ledger", "--format", "json"),
        where="accounts.csv, row 5, column account_id",
        message="'../acct' starts with a dot",
    ),
    Case(
        "account-65-characters",
        IDS,
        "account_id of 65 characters",
        add_account("a" * 65),
        where="accounts.csv, row 5, column account_id",
        message="is 65 characters long (at most 64)",
    ),
    Case(
        "account-non-ascii",
        IDS,
        "account_id `kontö` (non-ASCII letter)",
        add_account("kontö"),
        where="accounts.csv, row 5, column account_id",
        message=ID_CHARS,
    ),
    Case(
        "account-absolute-path",
        IDS,
        "account_id `/etc/passwd`",
        add_account("/etc/passwd"),
        where="accounts.csv, row 5, column account_id",
        message=ID_CHARS,
    ),
    Case(
        "lot-parent-path",
        IDS,
        "lot_id `../lot`",
        cell("transactions.csv", 3, "lot_id", "../lot"),
        ("ledger", "--format", "json"),
        where="transactions.csv, row 3, column lot_id",
        message="'../lot' starts with a dot",
    ),
    Case(
        "lot-separators",
        IDS,
        "lot_id `B;1:2` (the order files' separators)",
        cell("transactions.csv", 3, "lot_id", "B;1:2"),
        where="transactions.csv, row 3, column lot_id",
        message=ID_CHARS,
    ),
    Case(
        "lot-too-long",
        IDS,
        "lot_id of 300 characters",
        cell("transactions.csv", 3, "lot_id", LONG),
        where="transactions.csv, row 3, column lot_id",
        message="is 300 characters long (at most 64)",
    ),
    Case(
        "run-parent-path",
        IDS,
        "run id `../../x` given to `approve`",
        None,
        ("approve", "../../x", "--by", "ben"),
        where=None,
        message="run id '../../x' starts with a dot",
    ),
    Case(
        "run-subfolder",
        IDS,
        "run id `a/b` given to `reject`",
        None,
        ("reject", "a/b", "--by", "ben", "--reason", "no"),
        message=f"run id 'a/b' {ID_CHARS}",
    ),
    Case(
        "run-too-long",
        IDS,
        "run id of 300 characters given to `runs show`",
        None,
        ("runs", "show", LONG),
        message="is 300 characters long (at most 64)",
    ),
    Case(
        "run-unknown",
        IDS,
        "a well-formed run id no run has",
        None,
        ("approve", "H1-20240108-9", "--by", ME),
        message="no run H1-20240108-9 under data",
    ),
    Case(
        "household-unknown",
        IDS,
        "`review --household nobody`",
        None,
        ("review", "--household", "nobody"),
        where="accounts.csv, column household_id",
        message="unknown household 'nobody'; known: H1, H2",
    ),
    # -- policy.yaml -------------------------------------------------------------------------
    Case(
        "policy-unknown-key",
        POLICY,
        "an unknown key (`harvest.min_loss`)",
        policy("harvest:\n  min_loss: 500\n"),
        where="policy.yaml, column harvest.min_loss",
        message="unknown policy key",
    ),
    Case(
        "policy-rate-above-one",
        POLICY,
        "a tax rate of 1.5",
        policy("tax:\n  federal_short: 1.5\n"),
        where="policy.yaml, column tax.federal_short",
        message="less than or equal to 1",
    ),
    Case(
        "policy-negative-budget",
        POLICY,
        "a negative TE budget",
        policy("tracking_error:\n  budget: -0.01\n"),
        where="policy.yaml, column tracking_error.budget",
        message="greater than 0",
    ),
    Case(
        "policy-rate-text",
        POLICY,
        "a rate written as text",
        policy("tax:\n  state: high\n"),
        where="policy.yaml, column tax.state",
        message="valid number",
    ),
    Case(
        "policy-section-not-mapping",
        POLICY,
        "a section given a number (`harvest: 5`)",
        policy("harvest: 5\n"),
        where="policy.yaml, column harvest",
        message="must be a mapping",
    ),
    Case(
        "policy-household-bad-key",
        POLICY,
        "an unknown key in one household's section",
        policy("households:\n  H2:\n    harvest:\n      nope: 1\n"),
        where="policy.yaml, column households.H2.harvest.nope",
        message="unknown policy key",
    ),
    Case(
        "policy-household-unknown",
        POLICY,
        "a section for a household accounts.csv does not have",
        policy("households:\n  H9:\n    harvest:\n      min_loss_usd: 100\n"),
        where="policy.yaml, column households.H9",
        message="unknown household 'H9'",
    ),
    Case(
        "policy-households-list",
        POLICY,
        "`households` given as a list",
        policy("households:\n  - H1\n"),
        where="policy.yaml, column households",
        message="must map household ids to sections",
    ),
    Case(
        "policy-yaml-syntax",
        POLICY,
        "YAML that does not parse",
        policy("tax: [unclosed\n"),
        where="policy.yaml",
        message="invalid YAML",
    ),
    Case(
        "policy-top-level-list",
        POLICY,
        "a list at the top level",
        policy("- tax\n"),
        where="policy.yaml",
        message="must be a mapping of policy keys at the top level, not a list",
    ),
    Case(
        "policy-review-too",
        POLICY,
        "a rate of 1.5, seen by `review`",
        policy("tax:\n  federal_short: 1.5\n"),
        ("review", "--household", "H1"),
        where="policy.yaml, column tax.federal_short",
        message="less than or equal to 1",
    ),
    # -- quantities, prices and amounts ------------------------------------------------------
    Case(
        "buy-1e300-shares",
        NUMBERS,
        "a buy of `1e300` shares",
        cell("transactions.csv", 2, "quantity", "1e300"),
        ("optimize", "--account", "T1"),
        where="transactions.csv, row 2, column quantity",
        message="quantity 1e300 is implausible: more than 10,000,000,000 shares",
    ),
    Case(
        "price-1e300",
        NUMBERS,
        "a buy at a price of `1e300`",
        cell("transactions.csv", 2, "price", "1e300"),
        where="transactions.csv, row 2, column price",
        message="more than 10,000,000 dollars a share",
    ),
    Case(
        "trade-value",
        NUMBERS,
        "a buy of 1e9 shares at $100,000 (each cell plausible, the trade not)",
        both(
            cell("transactions.csv", 2, "quantity", "1000000000"),
            cell("transactions.csv", 2, "price", "100000"),
        ),
        where="transactions.csv, row 2, column quantity",
        message="trade value 100,000,000,000,000 is implausible",
    ),
    Case(
        "deposit-1e15",
        NUMBERS,
        "a deposit of $1e15",
        cell("transactions.csv", 1, "quantity", "1e15"),
        where="transactions.csv, row 1, column quantity",
        message="more than 1,000,000,000,000 dollars",
    ),
    Case(
        "fees-1e13",
        NUMBERS,
        "fees of $1e13",
        cell("transactions.csv", 2, "fees", "1e13"),
        where="transactions.csv, row 2, column fees",
        message="more than 1,000,000,000,000 dollars",
    ),
    Case(
        "cost-basis-1e13",
        NUMBERS,
        "a transferred lot's cost_basis of $1e13",
        cell("transactions.csv", 10, "cost_basis", "1e13"),
        where="transactions.csv, row 10, column cost_basis",
        message="more than 1,000,000,000,000 dollars",
    ),
    Case(
        "split-ratio-huge",
        NUMBERS,
        "a split ratio of 5000",
        cell("transactions.csv", 4, "quantity", "5000"),
        where="transactions.csv, row 4, column quantity",
        message="split ratio 5000 is implausible",
    ),
    Case(
        "split-ratio-tiny",
        NUMBERS,
        "a split ratio of 0.00001",
        cell("transactions.csv", 4, "quantity", "0.00001"),
        where="transactions.csv, row 4, column quantity",
        message="split ratio 0.00001 is implausible",
    ),
    Case(
        "split-ratio-zero",
        NUMBERS,
        "a split ratio of 0",
        cell("transactions.csv", 4, "quantity", "0"),
        where="transactions.csv, row 4, column quantity",
        message="split ratio 0 must be greater than zero",
    ),
    Case(
        "quantity-inf",
        NUMBERS,
        "a quantity of `inf`",
        cell("transactions.csv", 2, "quantity", "inf"),
        where="transactions.csv, row 2, column quantity",
        message="quantity 'inf' is not a number",
    ),
    Case(
        "quantity-nan",
        NUMBERS,
        "a quantity of `nan`",
        cell("transactions.csv", 2, "quantity", "nan"),
        where="transactions.csv, row 2, column quantity",
        message="quantity 'nan' is not a number",
    ),
    Case(
        "quantity-negative",
        NUMBERS,
        "a negative buy quantity",
        cell("transactions.csv", 3, "quantity", "-5"),
        where="transactions.csv, row 3, column quantity",
        message="quantity -5 is negative",
    ),
    Case(
        "quantity-thousands-separator",
        NUMBERS,
        'a quantity written `"1,000"`',
        cell("transactions.csv", 3, "quantity", "1,000"),
        where="transactions.csv, row 3, column quantity",
        message="quantity '1,000' is not a number",
    ),
    Case(
        "price-negative",
        NUMBERS,
        "a negative price",
        cell("transactions.csv", 3, "price", "-50"),
        where="transactions.csv, row 3, column price",
        message="price -50 is negative",
    ),
    Case(
        "buy-zero-shares",
        NUMBERS,
        "a buy of 0 shares",
        cell("transactions.csv", 3, "quantity", "0"),
        where="transactions.csv, row 3, column quantity",
        message="must be greater than zero for buy",
    ),
    Case(
        "close-1e8",
        NUMBERS,
        "a close of $1e8",
        cell("prices.csv", 1, "close", "1e8"),
        ("risk", "--account", "T1"),
        where="prices.csv, row 1, column close",
        message="more than 10,000,000 dollars a share",
    ),
    Case(
        "close-zero",
        NUMBERS,
        "a close of 0",
        cell("prices.csv", 1, "close", "0"),
        where="prices.csv, row 1, column close",
        message="close 0 must be greater than zero",
    ),
    Case(
        "close-text",
        NUMBERS,
        "a close of `n/a`",
        cell("prices.csv", 1, "close", "n/a"),
        where="prices.csv, row 1, column close",
        message="close 'n/a' is not a number",
    ),
    Case(
        "pending-1e11",
        NUMBERS,
        "a pending purchase of 1e11 shares",
        cell("pending.csv", 1, "quantity", "1e11"),
        where="pending.csv, row 1, column quantity",
        message="more than 10,000,000,000 shares",
    ),
    Case(
        "te-budget-above-one",
        NUMBERS,
        "an account te_budget of 1.5",
        cell("accounts.csv", 1, "te_budget", "1.5"),
        where="accounts.csv, row 1, column te_budget",
        message="is not a positive fraction",
    ),
    Case(
        "esg-above-100",
        NUMBERS,
        "an esg_score of 150",
        cell("securities.csv", 1, "esg_score", "150"),
        where="securities.csv, row 1, column esg_score",
        message="150",
    ),
    # -- dates and as-of ---------------------------------------------------------------------
    Case(
        "date-before-1900",
        DATES,
        "a transaction dated 1899-12-31",
        cell("transactions.csv", 1, "date", "1899-12-31"),
        where="transactions.csv, row 1, column date",
        message="date 1899-12-31 is before 1900-01-01",
    ),
    Case(
        "date-year-1600",
        DATES,
        "a transaction dated 1600-01-01 (before pandas' range)",
        cell("transactions.csv", 1, "date", "1600-01-01"),
        where="transactions.csv, row 1, column date",
        message="date 1600-01-01 is before 1900-01-01",
    ),
    Case(
        "date-far-future",
        DATES,
        "a transaction dated 2099-01-01",
        cell("transactions.csv", 14, "date", "2099-01-01"),
        where="transactions.csv, row 14, column date",
        message="is more than a year after 2024-01-08, the as-of or last price date",
    ),
    Case(
        "acquired-before-1900",
        DATES,
        "a transferred lot acquired 1850-01-01",
        cell("transactions.csv", 10, "acquired_date", "1850-01-01"),
        where="transactions.csv, row 10, column acquired_date",
        message="acquired_date 1850-01-01 is before 1900-01-01",
    ),
    Case(
        "acquired-after-transfer",
        DATES,
        "a lot acquired after it was transferred in",
        cell("transactions.csv", 10, "acquired_date", "2024-01-06"),
        where="transactions.csv, row 10, column acquired_date",
        message="is after the transfer date",
    ),
    Case(
        "pending-far-future",
        DATES,
        "a pending purchase dated 2030-01-01",
        cell("pending.csv", 1, "date", "2030-01-01"),
        where="pending.csv, row 1, column date",
        message="is more than a year after 2024-01-08",
    ),
    Case(
        "price-date-before-1900",
        DATES,
        "a price dated 1899-06-30",
        cell("prices.csv", 1, "date", "1899-06-30"),
        where="prices.csv, row 1, column date",
        message="date 1899-06-30 is before 1900-01-01",
    ),
    Case(
        "date-us-format",
        DATES,
        "a date written 01/05/2024",
        cell("transactions.csv", 11, "date", "01/05/2024"),
        where="transactions.csv, row 11, column date",
        message="'01/05/2024' is not a valid date (expected YYYY-MM-DD)",
    ),
    Case(
        "date-february-30",
        DATES,
        "a date of 2024-02-30",
        cell("transactions.csv", 14, "date", "2024-02-30"),
        where="transactions.csv, row 14, column date",
        message="'2024-02-30' is not a valid date",
    ),
    Case(
        "as-of-saturday",
        DATES,
        "`--as-of` on a day without prices (a Saturday)",
        None,
        exit_code=0,
        message="note: no prices on the as-of date 2024-01-06; using 2024-01-05",
        extra=("--as-of", "2024-01-06"),
    ),
    Case(
        "as-of-before-prices",
        DATES,
        "`--as-of` before the first price date",
        None,
        where="prices.csv",
        message="as-of 2023-12-29 is before the first price date 2024-01-02",
        extra=("--as-of", "2023-12-29"),
    ),
    Case(
        "as-of-not-a-date",
        DATES,
        "`--as-of 2024-13-01`",
        None,
        message="Invalid value for '--as-of'",
        extra=("--as-of", "2024-13-01"),
    ),
    # -- cash ----------------------------------------------------------------------------------
    Case(
        "cash-missing-deposit",
        CASH,
        "a managed account buying more than its deposits",
        cell("transactions.csv", 11, "quantity", "100"),
        where="transactions.csv, row 12, column quantity",
        message="account T2's cash falls to -700.00 on 2024-01-05 and is still -385.00",
    ),
    Case(
        "cash-overdrawn",
        CASH,
        "a withdrawal of more than the account holds",
        cell("transactions.csv", 14, "quantity", "9004.02"),
        ("review", "--household", "H1"),
        where="transactions.csv, row 14, column quantity",
        message="account T1's cash falls to -0.02",
    ),
    Case(
        "cash-half-cent-short",
        CASH,
        "a managed account ending half a cent short (accepted)",
        cell("transactions.csv", 14, "quantity", "9004.005"),
        exit_code=0,
        message="OK: the data directory is valid",
    ),
    # -- files, cells and references -----------------------------------------------------------
    Case(
        "file-missing",
        FILES,
        "no accounts.csv",
        lambda d: d.remove("accounts.csv"),
        where="accounts.csv",
        message="missing",
    ),
    Case(
        "file-empty",
        FILES,
        "an empty transactions.csv",
        raw("transactions.csv", b""),
        where="transactions.csv",
        message="file is empty",
    ),
    Case(
        "column-missing",
        FILES,
        "transactions.csv without its price column",
        lambda d: d.drop_column("transactions.csv", "price"),
        where="transactions.csv, column price",
        message="required column 'price' is missing",
    ),
    Case(
        "header-repeated",
        FILES,
        "a column twice in the header",
        raw("benchmark.csv", b"symbol,weight,weight\nAAA,1,1\n"),
        where="benchmark.csv, column weight",
        message="column 'weight' appears twice in the header",
    ),
    Case(
        "row-extra-field",
        FILES,
        "a row with more fields than the header",
        raw("benchmark.csv", b"symbol,weight\nAAA,0.5\nBBB,0.5,9\n"),
        where="benchmark.csv, row 2",
        message="row has 3 fields but the header has 2",
    ),
    Case(
        "not-utf8",
        FILES,
        "securities.csv in Latin-1",
        raw(
            "securities.csv",
            "symbol,name,sector,industry\nAAA,Café,Tech,Soft\n".encode("latin-1"),
        ),
        where="securities.csv, row 1",
        message="file is not UTF-8: byte 0xe9",
    ),
    Case(
        "tax-type-unknown",
        FILES,
        "a tax_type of 529",
        cell("accounts.csv", 3, "tax_type", "529"),
        where="accounts.csv, row 3, column tax_type",
        message="tax_type '529' is not one of",
    ),
    Case(
        "managed-yes",
        FILES,
        "managed written `y`",
        cell("accounts.csv", 2, "managed", "y"),
        where="accounts.csv, row 2, column managed",
        message="managed 'y' must be true or false",
    ),
    Case(
        "account-duplicate",
        FILES,
        "the same account_id twice",
        add_account("T1"),
        where="accounts.csv, row 5, column account_id",
        message="duplicate account_id 'T1' (first at row 1)",
    ),
    Case(
        "transaction-unknown-account",
        FILES,
        "a transaction in an account accounts.csv lacks",
        cell("transactions.csv", 14, "account_id", "T9"),
        where="transactions.csv, row 14, column account_id",
        message="unknown account 'T9' (not in accounts.csv)",
    ),
    Case(
        "transaction-unknown-symbol",
        FILES,
        "a dividend from a symbol securities.csv lacks",
        cell("transactions.csv", 6, "symbol", "ZZZ"),
        where="transactions.csv, row 6, column symbol",
        message="unknown symbol 'ZZZ' (not in securities.csv)",
    ),
    Case(
        "oversold",
        FILES,
        "a sale of more shares than held",
        cell("transactions.csv", 5, "quantity", "25"),
        where="transactions.csv, row 5, column quantity",
        message="sell of 25 AAA",
    ),
    Case(
        "action-unknown",
        FILES,
        "an action of `gift`",
        cell("transactions.csv", 14, "action", "gift"),
        where="transactions.csv, row 14, column action",
        message="action 'gift' is not one of",
    ),
    Case(
        "restriction-unknown-household",
        FILES,
        "a restriction on a household that does not exist",
        cell("restrictions.csv", 1, "scope_id", "H9"),
        where="restrictions.csv, row 1, column scope_id",
        message="unknown household 'H9'",
    ),
    # -- commands and options ------------------------------------------------------------------
    Case(
        "data-dir-missing",
        OPTIONS,
        "`--data` naming a folder that does not exist",
        None,
        message="data directory does not exist",
        data="gone",
    ),
    Case(
        "format-unknown",
        OPTIONS,
        "`--format xml`",
        None,
        message="Invalid value for --format",
        extra=("--format", "xml"),
    ),
    Case(
        "approve-by-missing",
        OPTIONS,
        "`approve` without `--by`",
        None,
        ("approve", "H1-20240108-1"),
        message="Missing option '--by'",
    ),
)
