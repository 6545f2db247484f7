"""Tax-form outputs of the ledger: TXF (Tax Exchange Format) records for Form 8949 and the
reconciliation of a broker's Form 1099-B with the household ledger."""
