"""Placeholder replaced below once core.documents lands."""
