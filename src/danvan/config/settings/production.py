"""Production settings: every secret from the environment, secure cookies, HTTPS assumptions."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DANVAN_SECRET_KEY is not set. Generate one with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and export it."
    )

DEBUG = False
SESSION_COOKIE_SECURE = env_bool("DANVAN_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("DANVAN_SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DANVAN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DANVAN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
USE_X_FORWARDED_HOST = env_bool("DANVAN_USE_X_FORWARDED_HOST", False)
