"""Every write in land clearance goes through these modules; each one runs in a transaction,
checks the scope policy and writes the audit trail."""
