"""Custodian statements into the data contract: Interactive Brokers Flex XML (``ibkr``),
broker CSV exports through a column mapping (``mapped_csv``), and the dry-run/apply plan that
merges them into a data directory's transactions.csv (``plan``)."""
