"""Writes of plans and campaigns; import the module you need (plans, progress, campaigns)."""
