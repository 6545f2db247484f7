"""A small, complete data directory written by hand: one household (taxpayer, spouse and a
Roth IRA) holding two share classes of one company and one other stock."""

from __future__ import annotations

from pathlib import Path

SECURITIES = """symbol,name,sector,industry,identical_group
AAA,Alpha Class A,Technology,Software,alpha
AAB,Alpha Class B,Technology,Software,alpha
CCC,Gamma Corp,Energy,Oil,
"""
ACCOUNTS = """account_id,household_id,owner,tax_type,managed,relief_method
T1,smith,taxpayer,taxable,true,fifo
S1,smith,spouse,taxable,false,hifo
R1,smith,taxpayer,roth_ira,true,fifo
"""
BENCHMARK = """symbol,weight
AAA,0.5
CCC,0.5
"""
# Row numbers (1-based data rows) matter to the tests: row 3 sells AAA at a loss on
# 2024-06-03, row 4 buys AAB in the spouse's account 5 days later (a wash sale), row 6 is a
# long-term gain on CCC; row 8 funds the Roth IRA's purchase.
TRANSACTIONS = """date,account_id,action,symbol,quantity,price,fees,lot_id,acquired_date,cost_basis
2024-01-02,T1,deposit,,20000,,,,,
2024-01-02,T1,buy,AAA,100,50,0,,,
2024-06-03,T1,sell,AAA,100,40,0,,,
2024-06-08,S1,buy,AAB,60,41,0,,,
2024-06-10,T1,transfer_in,CCC,10,,,gift,2020-03-02,500
2024-06-12,T1,sell,CCC,4,80,1,,,
2024-06-12,R1,buy,CCC,5,80,0,,,
2024-06-12,R1,deposit,,400,,,,,
"""
PENDING = """date,account_id,action,symbol,quantity
2024-06-20,R1,reinvest,AAA,2
"""
PRICE_DAYS = ("2024-01-02", "2024-06-03", "2024-06-10", "2024-06-14")
PRICES = {"AAA": (50, 40, 41, 39), "AAB": (50, 40, 41, 39), "CCC": (60, 70, 75, 80)}
AS_OF = "2024-06-14"


def write_data_dir(root: Path, transactions: str = TRANSACTIONS, pending: str = PENDING) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    lines = ["date,symbol,close"]
    for index, date in enumerate(PRICE_DAYS):
        lines.extend(f"{date},{symbol},{closes[index]}" for symbol, closes in PRICES.items())
    files = {
        "securities.csv": SECURITIES,
        "accounts.csv": ACCOUNTS,
        "benchmark.csv": BENCHMARK,
        "transactions.csv": transactions,
        "pending.csv": pending,
        "prices.csv": "\n".join(lines) + "\n",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root
