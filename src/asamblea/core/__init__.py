"""The pure domain core: rules, counting, ledger, budgeting and planning. No I/O here."""
