"""Synthetic plans for `danvan demo` and `danvan generate`."""
