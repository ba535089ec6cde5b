"""Laptop and demo settings: embedded SQLite in the per-user data directory, debug tools on."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, env_bool

DEBUG = env_bool("DANVAN_DEBUG", True)
# A fixed key is acceptable only for a local demo database; production refuses to start without one.
SECRET_KEY = os.environ.get("DANVAN_SECRET_KEY") or "danvan-local-demo-key-not-for-production"
DATA_DIR.mkdir(parents=True, exist_ok=True)
