"""Settings for the test suite: the real settings, with a test secret.

DATABASE_URL and IDENTITY_DATABASE_URL choose PostgreSQL, as in production; without
them the suite runs on SQLite. `make test` runs it both ways.
"""

import os
import tempfile

os.environ.setdefault("BAIRN_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("BAIRN_DATA_DIR", tempfile.mkdtemp(prefix="bairn-test-"))

from bairn.settings import *  # noqa: F403

# Quick hashing for the many test users; tests/test_auth.py checks the production
# setting (argon2) separately.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
