"""A small household data directory for import tests: the IBKR account starts empty; the
spouse's account (held elsewhere) buys a share class substantially identical to the stock
IBKR sells at a loss ten days earlier, so only the household ledger sees the wash sale."""

from __future__ import annotations

from pathlib import Path

SAMPLES = Path(__file__).parent / "samples"
SECURITIES = """symbol,name,sector,industry,identical_group
AAA,Alpha Class A,Technology,Software,alpha
AAB,Alpha Class B,Technology,Software,alpha
CCC,Gamma Corp,Energy,Oil,
MSFT,Microsoft,Technology,Software,
"""
ACCOUNTS = """account_id,household_id,owner,tax_type,managed,relief_method
IB1,lee,taxpayer,taxable,true,fifo
SP1,lee,spouse,taxable,false,fifo
SW1,lee,taxpayer,taxable,true,fifo
FD1,lee,spouse,taxable,true,fifo
IRA1,lee,taxpayer,roth_ira,true,fifo
"""
# SP1 buys 50 AAB on 2025-03-20, ten days after IB1 sells 60 AAA at a loss (flex_2025.xml),
# and sells them on 2025-05-01.
TRANSACTIONS = """date,account_id,action,symbol,quantity,price,fees,lot_id,acquired_date,cost_basis
2025-01-02,SP1,deposit,,10000,,,,,
2025-03-20,SP1,buy,AAB,50,41,0,sp-aab,,
2025-05-01,SP1,sell,AAB,50,45,0,sp-aab,,
"""
BENCHMARK = """symbol,weight
AAA,0.5
CCC,0.5
"""
PRICE_DAYS = ("2025-01-02", "2025-03-10", "2025-06-02", "2025-12-31")
PRICES = {
    "AAA": (50, 40, 42, 44),
    "AAB": (50, 40, 42, 44),
    "CCC": (48, 50, 26, 27),
    "MSFT": (400, 390, 410, 420),
}


def write_household(root: Path, transactions: str = TRANSACTIONS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = ["date,symbol,close"]
    for index, date in enumerate(PRICE_DAYS):
        lines.extend(f"{date},{symbol},{closes[index]}" for symbol, closes in PRICES.items())
    files = {
        "securities.csv": SECURITIES,
        "accounts.csv": ACCOUNTS,
        "benchmark.csv": BENCHMARK,
        "transactions.csv": transactions,
        "prices.csv": "\n".join(lines) + "\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root
