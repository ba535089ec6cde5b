"""Test settings: fast hashing, tasks run in-process, everything else as in base."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES

SECRET_KEY = "danvan-tests"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="danvan-test-media-"))
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="danvan-test-static-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
AXES_ENABLED = True

# A tiny model that the workflow mechanism's tests run on; never part of the product.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_app"]  # noqa: F405
# Assertions read the English source strings; the Vietnamese default is tested on its own
# (core/tests/test_i18n.py) and the browser tests run in Vietnamese.
LANGUAGE_CODE = "en"
