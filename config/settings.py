"""Settings of Tỉnh số, read from the environment.

Two ways to run it:

* **The embedded default** (``DATABASE_URL`` unset: one machine, the SQLite file under
  ``data/``, as ``scripts/run.sh`` starts it). Secrets that are not in the environment
  (``SECRET_KEY``, ``LEDGER_SIGNING_KEY``, ``TINHSO_PAYMENT_SECRET``) are generated once, at
  random, and kept under ``DATA_DIR`` (mode 600, git-ignored), so every process and every
  ``manage.py`` command of that install, with or without ``DEBUG``, shares them; mail without
  ``EMAIL_BACKEND`` is logged with its addresses masked and its body left out, never sent.
* **Production** (``DATABASE_URL`` set, or ``TINHSO_EMBEDDED=0``, and ``DEBUG`` off, its
  default): those secrets and ``EMAIL_BACKEND`` must come from the environment, else the start
  stops with ``ImproperlyConfigured`` instead of falling back to anything; set
  ``ALLOWED_HOSTS`` too, and ``BEHIND_TLS_PROXY=1`` behind an HTTPS reverse proxy (HSTS).

``DEBUG=1`` (development) behaves as the embedded default, with the database ``DATABASE_URL``
names.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
DATA_DIR = Path(os.environ.get("TINHSO_DATA_DIR", BASE_DIR / "data"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
# The embedded default: no DATABASE_URL, i.e. the SQLite file under DATA_DIR on one machine.
EMBEDDED = env_bool("TINHSO_EMBEDDED", not os.environ.get("DATABASE_URL"))
# Where secrets missing from the environment may be generated under DATA_DIR (see above).
LOCAL_SECRETS = DEBUG or EMBEDDED
PRODUCTION_HINT = "in production (DEBUG off, and DATABASE_URL set or TINHSO_EMBEDDED=0)"


def _local_secret(filename: str, make: Callable[[], str]) -> str:
    """A random secret generated once under DATA_DIR (mode 600), for the embedded default and
    debug runs only. Created atomically: processes starting together all read the first one."""
    path = DATA_DIR / filename
    if not path.exists():
        temporary = DATA_DIR / f"{filename}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(make())
            os.link(temporary, path)  # fails if another process created it first: theirs wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)
    return path.read_text().strip()


def required_secret(name: str, filename: str, make: Callable[[], str]) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if not LOCAL_SECRETS:
        raise ImproperlyConfigured(f"{name} must be set in the environment {PRODUCTION_HINT}.")
    return _local_secret(filename, make)


SECRET_KEY = required_secret("SECRET_KEY", ".dev_secret_key", lambda: secrets.token_urlsafe(50))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if LOCAL_SECRETS else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by the platform (no CDN)
    "csp",
    "django_tasks",
    "tinhso.core.apps.TasksDatabaseConfig",  # django_tasks_db, named in Vietnamese in the admin
    "tinhso.core.apps.AxesConfig",  # axes, idem
    "tinhso.core",
    "tinhso.ledger",
    "tinhso.org",
    "tinhso.indicators",
    "tinhso.programme",
    "tinhso.onestop",
    "tinhso.site",  # home, health, navigation, cross-cutting jobs: the top layer
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tinhso.core.middleware.LanguageMiddleware",
    # Before anything reads the session, the user or the form: NUL characters, oversized bodies.
    "tinhso.core.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tinhso.site.context_processors.navigation",
                "tinhso.org.notifications.context_processors.unread",
            ],
        },
    },
]

# Database: DATABASE_URL (postgres://... in production), else a SQLite file under DATA_DIR.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'tinhso.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters are bound by the server and statements run often are prepared once per
    # connection (psycopg prepares a query on its 5th run): PostgreSQL then neither parses nor
    # plans it again. Set DB_PREPARE_THRESHOLD=off behind a pooler in transaction mode
    # (PgBouncer < 1.21), which cannot keep a connection's prepared statements.
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare not in ("off", "none", "") and not _prepare.isdigit():
        raise ImproperlyConfigured("DB_PREPARE_THRESHOLD must be a whole number of runs, or 'off'.")
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": int(_prepare) if _prepare.isdigit() else None,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of
    # failing half-way (the ledger appends to one chain); WAL lets readers run meanwhile.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tinhso.org.backends.PersonBackend",  # Django's ModelBackend
    "tinhso.org.accounts.backends.AddressBackend",  # citizens: their confirmed phone or e-mail
    "tinhso.org.accounts.oidc.CitizenOIDCBackend",  # an OpenID Connect provider (off unless configured)
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failed logins (django-axes): per username and address together, so a
# stranger cannot lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))

# Sessions and cookies: secure by default outside debug.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and
# everything else from the platform's own origin only; no inline script or style="" (the
# pages take their behaviour from static/js and their looks from static/css); images also
# as data: URIs (QR codes, Bootstrap's icons). TINHSO_CSP_FORM_ACTION adds origins forms may
# post or be redirected to (an external payment gateway's checkout).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *env_list("TINHSO_CSP_FORM_ACTION")],
        "frame-ancestors": [NONE],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "tinhso.core.views.csrf_failure"  # the platform's Vietnamese 403 page
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    # The proxy speaks HTTPS to browsers: trust its X-Forwarded-Proto, and tell browsers to
    # come back over HTTPS only (HSTS, sent on HTTPS responses; one year unless set).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600) if BEHIND_TLS_PROXY else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("Tiếng Anh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
# dd/mm/yyyy (and dd/mm/yyyy HH:MM) on every page, the admin included, in both languages.
FORMAT_MODULE_PATH = ["config.formats"]
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end assets come from npm packages pinned in package-lock.json (scripts/setup.sh runs
# `npm ci`); they are served by the platform itself, never from a CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/fonts/be-vietnam-pro", NODE_MODULES / "@fontsource" / "be-vietnam-pro"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Background work: Django's tasks API with the database queue, run by `manage.py worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tinhso.core.authentication.SessionAuthentication",  # REST framework's, handing views the person itself
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tinhso.core.api.exception_handler",
    # Deep JSON, NUL characters and oversized JSON bodies are refused while parsing (400/413).
    "DEFAULT_PARSER_CLASSES": [
        "tinhso.core.api.JSONParser",
        "tinhso.core.api.FormParser",
        "tinhso.core.api.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tỉnh số API",
    "DESCRIPTION": "API của nền tảng chuyển đổi số cấp tỉnh Tỉnh số.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar's static files, never from a CDN; no call to the
    # public online validator either.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Every operation states the refusals it may answer (400, 403, 404, 405, 413, 415) with the error schema.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "tinhso.core.api.error_responses_hook"],
    # Fields named alike with other values ("state", "kind") each get their own enum name.
    "ENUM_NAME_OVERRIDES": {
        "DossierStateEnum": "tinhso.onestop.models.DossierState",
        "PaymentStateEnum": "tinhso.onestop.models.PaymentState",
        "FileKindEnum": "tinhso.onestop.models.FileKind",
        "AgencyKindEnum": "tinhso.org.models.AgencyKind",
        "ReportStateEnum": "tinhso.programme.models.ReportState",
    },
}

# Outgoing mail. Production names its backend (SMTP with Django's EMAIL_HOST…); without one,
# mail would only be written to the log, so the start stops. The embedded default and debug
# runs log each message with its addresses masked and no body (tinhso.core.mail).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "").strip()
_CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"
if not EMAIL_BACKEND:
    if not LOCAL_SECRETS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND must be set in the environment {PRODUCTION_HINT}, e.g. "
            "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER…"
        )
    EMAIL_BACKEND = "tinhso.core.mail.MaskedConsoleBackend"
elif EMAIL_BACKEND == _CONSOLE_MAIL and not DEBUG:
    raise ImproperlyConfigured(
        "EMAIL_BACKEND: Django's console backend writes addresses and bodies to the log; outside DEBUG "
        "name a real backend, or tinhso.core.mail.MaskedConsoleBackend to log masked messages only."
    )
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tinhso@localhost")

# Ledger checkpoints are signed with Ed25519. Production: LEDGER_SIGNING_KEY holds the
# base64 of the 32-byte private seed. Debug: a key is generated under DATA_DIR.
LEDGER_SIGNING_KEY = required_secret(
    "LEDGER_SIGNING_KEY", ".dev_ledger_key", lambda: base64.b64encode(secrets.token_bytes(32)).decode()
)
# Public keys (base64, raw 32 bytes) of earlier signing keys, so old checkpoints still verify
# after a key rotation.
LEDGER_TRUSTED_PUBLIC_KEYS = env_list("LEDGER_TRUSTED_PUBLIC_KEYS")
LEDGER_CHECKPOINT_SECONDS = int(os.environ.get("LEDGER_CHECKPOINT_SECONDS", "300"))
# The maximum merge delay (RFC 6962 §3): an appended event is sealed (numbered, chained, in the
# Merkle tree) within this many seconds, or /healthz turns unhealthy and ledger_verify says so.
LEDGER_MAX_MERGE_DELAY_SECONDS = int(os.environ.get("LEDGER_MAX_MERGE_DELAY_SECONDS", "5"))
# Seconds between two runs of the sealer in each worker (well under the merge delay).
LEDGER_SEAL_INTERVAL_SECONDS = float(os.environ.get("LEDGER_SEAL_INTERVAL_SECONDS", "1"))
# The worker's loop sends the notifications outbox (new rows, due retries) this often.
NOTIFICATIONS_SEND_INTERVAL_SECONDS = float(os.environ.get("NOTIFICATIONS_SEND_INTERVAL_SECONDS", "1"))

# The worker writes a heartbeat this often; /healthz calls the worker stale after 3 beats.
WORKER_HEARTBEAT_SECONDS = int(os.environ.get("WORKER_HEARTBEAT_SECONDS", "30"))

# Demo data loaders run by `manage.py demo_load`, in dependency order (never in production).
DEMO_LOADERS = [
    "tinhso.org.demo.demo_load",
    "tinhso.programme.demo.demo_load",
    "tinhso.programme.cascade.demo.demo_load",
    "tinhso.onestop.demo.services.demo_load",
]

# Office hours for deadlines, e.g. TINHSO_WORKING_HOURS="07:30-11:30,13:30-17:00" (default).
TINHSO_WORKING_HOURS = [tuple(period.strip().split("-", 1)) for period in env_list("TINHSO_WORKING_HOURS")] or None

# The province this installation serves (GSO code of the post-2025 province).
TINHSO_PROVINCE_CODE = os.environ.get("TINHSO_PROVINCE_CODE", "33")
# The ledger's name in its signed checkpoints (the C2SP tlog-checkpoint "origin" line, also the
# signing key's name): a schema-less URL prefix, unique to this log. Never change it once
# checkpoints are published: witnesses and verifiers pin it.
LEDGER_ORIGIN = os.environ.get("LEDGER_ORIGIN", f"tinhso.{TINHSO_PROVINCE_CODE}.gov.vn/ledger")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},  # font subsetting for signature stamps logs every table at INFO
    },
}

# --- one-stop shop ---------------------------------------------------------------------------
# Address citizens reach the platform at; QR codes on signed results and messages point here
# (scripts/run.sh sets it from its HOST and PORT).
TINHSO_PUBLIC_URL = os.environ.get("TINHSO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Online filings that reach a web process together are written in one transaction, up to this
# many (tinhso/onestop/dossiers/intake.py); 1 writes each filing alone, in its own transaction.
TINHSO_INTAKE_GROUP_MAX = int(os.environ.get("TINHSO_INTAKE_GROUP_MAX", "16"))
# Uploads of dossier components: largest file, in bytes.
TINHSO_UPLOAD_MAX_BYTES = int(os.environ.get("TINHSO_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Result signing (PAdES): PEM key and certificate chain of the agency's signing certificate.
# Debug: a self-signed demo certificate is generated under DATA_DIR on first use.
TINHSO_SIGNING_KEY_FILE = os.environ.get("TINHSO_SIGNING_KEY_FILE", "")
TINHSO_SIGNING_CERT_FILE = os.environ.get("TINHSO_SIGNING_CERT_FILE", "")
TINHSO_SIGNING_KEY_PASSPHRASE = os.environ.get("TINHSO_SIGNING_KEY_PASSPHRASE", "")
# Each agency's own key and certificate, by electronic id: <id>.key.pem and <id>.cert.pem (same passphrase).
TINHSO_SIGNING_AGENCY_DIR = os.environ.get("TINHSO_SIGNING_AGENCY_DIR", "")
# Without key files, sign with a generated self-signed demo certificate (never in production).
TINHSO_SIGNING_DEMO = env_bool("TINHSO_SIGNING_DEMO", DEBUG)
# Extra PEM certificates trusted when verifying, comma-separated: the agency's previous
# certificates, so results signed before a rotation still verify.
TINHSO_SIGNING_TRUSTED_CERTS = env_list("TINHSO_SIGNING_TRUSTED_CERTS")
# TrueType/OpenType font embedded in the visible signature (Vietnamese diacritics); from the
# fonts-dejavu-core package. Empty: a built-in PDF font, the text without diacritics.
TINHSO_STAMP_FONT = os.environ.get("TINHSO_STAMP_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Payment gateway: the provider's class and the secret its callbacks are signed with.
TINHSO_PAYMENT_PROVIDER = os.environ.get("TINHSO_PAYMENT_PROVIDER", "tinhso.onestop.payments.services.FakeProvider")
TINHSO_PAYMENT_SECRET = required_secret(
    "TINHSO_PAYMENT_SECRET", ".dev_payment_secret", lambda: secrets.token_urlsafe(32)
)
# Text messages (SMS, Zalo): the provider's class; the console provider prints them.
TINHSO_SMS_PROVIDER = os.environ.get("TINHSO_SMS_PROVIDER", "tinhso.core.channels.ConsoleSmsProvider")

# Cache (rate limits): REDIS_URL in production so several web processes share counters;
# otherwise a table in the database (shared too, slower).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }
    # Sessions read from the cache, written through to the database (logouts still end them).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tinhso_cache"}}
RATELIMIT_USE_CACHE = "default"

# --- citizens' accounts ----------------------------------------------------------------------
# Sign-in through an OpenID Connect provider (the national identity or public-service portal),
# tinhso.org.accounts.oidc. Off unless the client id and the four endpoints are set.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
# The provider's issuer: ID tokens from any other are refused (and it names linked identities).
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
# The claim that carries the số định danh cá nhân; the provider asserting it proves it.
OIDC_PERSONAL_ID_CLAIM = os.environ.get("OIDC_PERSONAL_ID_CLAIM", "personal_id")
# The provider's name on the sign-in button (e.g. "VNeID").
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "")
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/tai-khoan/dang-nhap/"
