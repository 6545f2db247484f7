"""The eleven GICS-like sectors of the synthetic universe and what distinguishes them.

Counts follow the rough make-up of a US large-cap index (about 500 names); volatilities,
ESG levels and dividend habits are stylised so that sectors behave differently enough for
sector tracking error and ESG screens to matter.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Industry:
    name: str
    share: float  # relative frequency of the industry inside its sector


@dataclass(frozen=True)
class Sector:
    name: str
    companies: int  # companies in the 500-company universe
    industries: tuple[Industry, ...]
    factor_vol: float  # annualized volatility of the sector factor (orthogonal to the market)
    esg_mean: float  # average ESG score (0-100) of the sector's companies
    payer_probability: float  # chance that a company pays a quarterly dividend
    mean_yield: float  # average annual dividend yield of the sector's payers
    suffixes: tuple[str, ...]  # words that end company names in this sector


SECTORS: tuple[Sector, ...] = (
    Sector(
        "Information Technology",
        70,
        (
            Industry("Software", 0.35),
            Industry("Semiconductors", 0.25),
            Industry("IT Services", 0.15),
            Industry("Technology Hardware", 0.12),
            Industry("Electronic Equipment", 0.13),
        ),
        0.10,
        66.0,
        0.05,
        0.012,
        ("Systems", "Technologies", "Software", "Micro", "Networks", "Digital", "Semiconductor"),
    ),
    Sector(
        "Health Care",
        62,
        (
            Industry("Pharmaceuticals", 0.22),
            Industry("Biotechnology", 0.22),
            Industry("Health Care Equipment", 0.26),
            Industry("Health Care Providers", 0.15),
            Industry("Life Sciences Tools", 0.15),
        ),
        0.09,
        58.0,
        0.10,
        0.022,
        ("Therapeutics", "Health", "Biosciences", "Medical", "Pharma", "Diagnostics"),
    ),
    Sector(
        "Financials",
        70,
        (
            Industry("Banks", 0.30),
            Industry("Insurance", 0.28),
            Industry("Capital Markets", 0.22),
            Industry("Financial Services", 0.12),
            Industry("Consumer Finance", 0.08),
        ),
        0.10,
        55.0,
        0.15,
        0.028,
        ("Financial", "Bancorp", "Capital", "Insurance Group", "Trust", "Partners"),
    ),
    Sector(
        "Consumer Discretionary",
        52,
        (
            Industry("Specialty Retail", 0.30),
            Industry("Hotels Restaurants and Leisure", 0.28),
            Industry("Automobiles", 0.10),
            Industry("Household Durables", 0.17),
            Industry("Textiles and Apparel", 0.15),
        ),
        0.09,
        52.0,
        0.08,
        0.018,
        ("Brands", "Motors", "Retail", "Resorts", "Home", "Outfitters"),
    ),
    Sector(
        "Industrials",
        78,
        (
            Industry("Aerospace and Defense", 0.15),
            Industry("Machinery", 0.25),
            Industry("Ground Transportation", 0.12),
            Industry("Building Products", 0.13),
            Industry("Professional Services", 0.18),
            Industry("Electrical Equipment", 0.17),
        ),
        0.07,
        54.0,
        0.10,
        0.018,
        ("Industries", "Aerospace", "Logistics", "Machinery", "Rail", "Controls"),
    ),
    Sector(
        "Communication Services",
        22,
        (
            Industry("Interactive Media", 0.30),
            Industry("Entertainment", 0.30),
            Industry("Telecom Services", 0.20),
            Industry("Media", 0.20),
        ),
        0.10,
        56.0,
        0.08,
        0.035,
        ("Media", "Communications", "Interactive", "Studios", "Telecom"),
    ),
    Sector(
        "Consumer Staples",
        38,
        (
            Industry("Food Products", 0.35),
            Industry("Beverages", 0.20),
            Industry("Household Products", 0.20),
            Industry("Consumer Staples Retail", 0.17),
            Industry("Tobacco", 0.08),
        ),
        0.08,
        57.0,
        0.22,
        0.028,
        ("Foods", "Beverage", "Consumer Products", "Markets", "Farms"),
    ),
    Sector(
        "Energy",
        22,
        (
            Industry("Oil Gas and Consumable Fuels", 0.75),
            Industry("Energy Equipment and Services", 0.25),
        ),
        0.20,
        32.0,
        0.25,
        0.038,
        ("Energy", "Petroleum", "Resources", "Oilfield Services", "Midstream"),
    ),
    Sector(
        "Utilities",
        31,
        (
            Industry("Electric Utilities", 0.50),
            Industry("Multi-Utilities", 0.30),
            Industry("Water Utilities", 0.10),
            Industry("Gas Utilities", 0.10),
        ),
        0.12,
        47.0,
        0.30,
        0.036,
        ("Power", "Electric", "Utilities", "Water", "Energy Services"),
    ),
    Sector(
        "Real Estate",
        31,
        (
            Industry("Residential REITs", 0.22),
            Industry("Industrial REITs", 0.20),
            Industry("Retail REITs", 0.20),
            Industry("Office REITs", 0.13),
            Industry("Specialized REITs", 0.25),
        ),
        0.11,
        55.0,
        0.28,
        0.040,
        ("Realty", "Properties", "Land Trust", "Residential", "Storage"),
    ),
    Sector(
        "Materials",
        24,
        (
            Industry("Chemicals", 0.45),
            Industry("Metals and Mining", 0.25),
            Industry("Containers and Packaging", 0.18),
            Industry("Construction Materials", 0.12),
        ),
        0.10,
        42.0,
        0.20,
        0.025,
        ("Materials", "Chemicals", "Minerals", "Packaging", "Alloys"),
    ),
)

FUND_SECTOR = "Funds"
FUND_INDUSTRY = "Large Blend Index"
