"""Bounds a real portfolio stays within: finite is not enough.

A buy of ``1e300`` shares is a finite number that turns every later figure into nonsense
(cash of -5.6e301, a "normal" proposal on top of it). These limits are far above anything a
household holds or a market prices, and far below where float arithmetic loses the cents:

- ``MAX_SHARES`` 1e10: more shares of one security than one account could hold (the largest
  US companies have about 1.5e10 shares outstanding in all);
- ``MAX_PRICE`` $10,000,000 a share: about ten times the dearest US listed share;
- ``MAX_AMOUNT`` $1e12: any one cash movement, fee, cost basis or trade value (doubles
  still carry cents exactly up to about 9e13);
- split ratios from 1/1000 (a 1-for-1000 reverse split) to 1000;
- dates from ``EARLIEST_DATE`` (1900-01-01) to one year after the as-of date or the last
  price date, whichever is later (a review of a past day keeps the rows after it).
"""

from __future__ import annotations

import datetime as dt

MAX_SHARES = 1e10
MAX_PRICE = 1e7
MAX_AMOUNT = 1e12
MIN_SPLIT_RATIO = 1e-3
MAX_SPLIT_RATIO = 1e3
EARLIEST_DATE = dt.date(1900, 1, 1)
FUTURE_WINDOW = dt.timedelta(days=366)  # "one year after as-of", leap years included
CASH_TOLERANCE = 0.01  # an account may end a cent short (rounded fills), not more
