"""Synthetic plans and campaigns for `danvan demo` and `danvan generate` (found by the registry)."""

from danvan.plans import generators_campaigns, generators_plans  # noqa: F401  (they register)
