"""Synthetic campaigns for `danvan demo` and `danvan generate`."""
