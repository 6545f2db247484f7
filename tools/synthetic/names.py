"""Made-up company names and pronounceable tickers.

Names are built from syllables so they read like brands without being real ones; tickers are
the first letters of the invented word (as real tickers often are) and are checked against a
deny-list of well-known real tickers so no sample file can be mistaken for market data.
"""

from __future__ import annotations

import numpy as np

ONSETS: tuple[str, ...] = (
    "b",
    "c",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cr",
    "dr",
    "gr",
    "pr",
    "tr",
    "st",
    "pl",
    "cl",
    "fl",
    "qu",
    "th",
    "sh",
)
VOWELS: tuple[str, ...] = ("a", "e", "i", "o", "u", "a", "e", "o")
CODAS: tuple[str, ...] = ("", "", "", "n", "r", "l", "x", "s", "m", "nt", "rk")
CORPORATE_FORMS: tuple[str, ...] = ("Inc.", "Corp.", "Holdings", "Group", "Co.", "")

# Well-known real tickers (stocks and index funds) that a generated ticker must never equal.
REAL_TICKER_DENY_LIST: frozenset[str] = frozenset(
    {
        "AAPL",
        "MSFT",
        "AMZN",
        "GOOG",
        "GOOGL",
        "META",
        "NVDA",
        "TSLA",
        "BRK",
        "JPM",
        "V",
        "MA",
        "UNH",
        "JNJ",
        "XOM",
        "WMT",
        "PG",
        "HD",
        "CVX",
        "KO",
        "PEP",
        "ABBV",
        "MRK",
        "LLY",
        "AVGO",
        "COST",
        "MCD",
        "DIS",
        "CSCO",
        "ADBE",
        "CRM",
        "NFLX",
        "INTC",
        "AMD",
        "ORCL",
        "IBM",
        "QCOM",
        "TXN",
        "T",
        "VZ",
        "CMCSA",
        "BAC",
        "WFC",
        "C",
        "GS",
        "MS",
        "AXP",
        "BA",
        "CAT",
        "GE",
        "MMM",
        "HON",
        "UPS",
        "FDX",
        "NKE",
        "SBUX",
        "LOW",
        "TGT",
        "PFE",
        "ABT",
        "TMO",
        "DHR",
        "BMY",
        "AMGN",
        "GILD",
        "CVS",
        "MO",
        "PM",
        "DUK",
        "SO",
        "NEE",
        "D",
        "AEP",
        "SPG",
        "PLD",
        "AMT",
        "CCI",
        "LIN",
        "APD",
        "NEM",
        "FCX",
        "DOW",
        "GM",
        "F",
        "UBER",
        "ABNB",
        "PYPL",
        "SHOP",
        "ZM",
        "SNOW",
        "PLTR",
        "COIN",
        "LUV",
        "DAL",
        "UAL",
        "AAL",
        "MAR",
        "HLT",
        "KHC",
        "GIS",
        "K",
        "HSY",
        "MDLZ",
        "CL",
        "KMB",
        "EL",
        "TAP",
        "STZ",
        "KEY",
        "RF",
        "USB",
        "PNC",
        "TFC",
        "SCHW",
        "BLK",
        "SPGI",
        "MCO",
        "ICE",
        "CME",
        "COF",
        "DFS",
        "SYF",
        "AIG",
        "MET",
        "PRU",
        "ALL",
        "TRV",
        "CB",
        "PGR",
        "LMT",
        "RTX",
        "NOC",
        "GD",
        "LHX",
        "DE",
        "EMR",
        "ETN",
        "ITW",
        "PH",
        "ROK",
        "CSX",
        "NSC",
        "UNP",
        "WM",
        "RSG",
        "SLB",
        "HAL",
        "COP",
        "EOG",
        "OXY",
        "PSX",
        "VLO",
        "MPC",
        "KMI",
        "WMB",
        "OKE",
        "ED",
        "EXC",
        "SRE",
        "PEG",
        "XEL",
        "WEC",
        "ES",
        "EIX",
        "O",
        "PSA",
        "EQIX",
        "DLR",
        "WELL",
        "AVB",
        "EQR",
        "ECL",
        "SHW",
        "PPG",
        "DD",
        "NUE",
        "VMC",
        "MLM",
        "BALL",
        "IP",
        "TSM",
        "ASML",
        "SAP",
        "SONY",
        "TM",
        "BABA",
        "NIO",
        "RIVN",
        "LCID",
        "ROKU",
        "SPOT",
        "SQ",
        "TWLO",
        "DOCU",
        "ZS",
        "CRWD",
        "NET",
        "DDOG",
        "MDB",
        "TEAM",
        "NOW",
        "INTU",
        "ADP",
        "PAYX",
        "FIS",
        "FISV",
        "GPN",
        "ACN",
        "IT",
        "CTSH",
        "HPQ",
        "HPE",
        "DELL",
        "WDC",
        "STX",
        "MU",
        "AMAT",
        "LRCX",
        "KLAC",
        "ADI",
        "MCHP",
        "NXPI",
        "ON",
        "SWKS",
        "SPY",
        "QQQ",
        "IVV",
        "VOO",
        "VTI",
        "DIA",
        "IWM",
        "EFA",
        "AGG",
        "BND",
        "GLD",
        "VEA",
        "VTSAX",
        "VFIAX",
        "FXAIX",
        "SWPPX",
        "VTIAX",
        "VBTLX",
        "FZROX",
        "FSKAX",
    }
)


def invented_word(rng: np.random.Generator, syllables: int) -> str:
    """A capitalized pronounceable word of ``syllables`` consonant-vowel(-coda) syllables."""
    parts: list[str] = []
    for position in range(syllables):
        onset = ONSETS[int(rng.integers(len(ONSETS)))]
        vowel = VOWELS[int(rng.integers(len(VOWELS)))]
        coda = CODAS[int(rng.integers(len(CODAS)))] if position == syllables - 1 else ""
        parts.append(onset + vowel + coda)
    return "".join(parts).capitalize()


def ticker_for(word: str, length: int) -> str:
    """The first ``length`` letters of ``word`` in capitals (pronounceable because ``word`` is)."""
    letters = "".join(ch for ch in word.upper() if ch.isalpha())
    return letters[:length]


def is_allowed_ticker(ticker: str, taken: set[str]) -> bool:
    """A ticker may be used when it is new, alphabetic, 3-5 letters and not a real one."""
    return (
        3 <= len(ticker) <= 5
        and ticker.isalpha()
        and ticker not in taken
        and ticker not in REAL_TICKER_DENY_LIST
    )


def brand_and_ticker(
    rng: np.random.Generator, taken_words: set[str], taken_tickers: set[str]
) -> tuple[str, str]:
    """A fresh invented brand word and its ticker, both unused so far (the sets are updated)."""
    while True:
        word = invented_word(rng, syllables=2 + int(rng.random() < 0.45))
        if word in taken_words:
            continue
        ticker = ticker_for(word, length=4 if rng.random() < 0.7 else 3)
        if is_allowed_ticker(ticker, taken_tickers):
            taken_words.add(word)
            taken_tickers.add(ticker)
            return word, ticker


def company_name(rng: np.random.Generator, brand: str, suffixes: tuple[str, ...]) -> str:
    suffix = suffixes[int(rng.integers(len(suffixes)))]
    form = CORPORATE_FORMS[int(rng.integers(len(CORPORATE_FORMS)))]
    return " ".join(part for part in (brand, suffix, form) if part)
