"""Settings for the test suite: the normal settings with fixed test secrets.

DATABASE_URL still chooses the database, so the same suite runs on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
# A fixed Ed25519 seed (32 zero bytes, base64) so signatures are reproducible in tests.
os.environ.setdefault("LEDGER_SIGNING_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("TINHSO_PAYMENT_SECRET", "test-only-payment-secret")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; Argon2 tested apart
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # one per test process
TINHSO_SIGNING_DEMO = True  # results are signed with the generated demo certificate
