"""Bairn settings, read from the environment.

BAIRN_DATA_DIR            folder of the embedded SQLite files (default ./var)
DATABASE_URL              PostgreSQL for the transactional store (default: SQLite)
IDENTITY_DATABASE_URL     PostgreSQL for the identity store (default: SQLite)
BAIRN_REPLICA_URL         a streaming replica of DATABASE_URL for GET requests' reads (off)
BAIRN_IDENTITY_REPLICA_URL  the same for IDENTITY_DATABASE_URL (docs/scaling.md)
BAIRN_REPLICA_WAIT_MS     how long a read waits for a lagging replica (default 20)
BAIRN_DB_POOL             1 (or MIN:MAX) for psycopg's connection pool (default off)
BAIRN_PGBOUNCER           1 when the URLs name PgBouncer in transaction mode
BAIRN_SECRET_KEY          required unless BAIRN_DEBUG is on (or BAIRN_SECRET_KEY_FILE)
BAIRN_DEBUG               1/true/yes for development
BAIRN_ALLOWED_HOSTS       comma-separated host names (default: localhost names)
BAIRN_HTTPS               1 when served behind HTTPS: secure cookies and HSTS
BAIRN_PATTERN_WINDOW_DAYS rolling window of the pattern alerts (default 90)
BAIRN_CONSENT_AGE         age from which a child is presumed able to consent (default 12)
BAIRN_MATCH_LIMIT         how many "is this child known?" searches one practitioner may make
BAIRN_MATCH_WINDOW_MINUTES  in how many minutes (default 20 in 10); more are refused (429)
BAIRN_CP_RETENTION_DAYS   how long a child protection disclosure without an ISP lasts (730)
BAIRN_EMAIL_BACKEND       Django e-mail backend (default: console)
BAIRN_EMAIL_HOST/PORT/USER/PASSWORD/USE_TLS, BAIRN_EMAIL_FROM
BAIRN_BASE_URL            how people reach this Bairn, used in e-mails and set-up links
BAIRN_LOCKOUT_FAILURES    failed sign-ins that lock a username (default 5)
BAIRN_LOCKOUT_MINUTES     for how long, after the last of them (default 15)
BAIRN_TRUSTED_PROXIES     reverse proxies (addresses or networks, comma-separated) whose
                          X-Forwarded-For names the client (default: none, so none is read)
BAIRN_SETUP_LINK_HOURS    how long a new account's one-time set-up link works (default 72)
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, or from the file named by NAME_FILE (secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env("BAIRN_DATA_DIR") or "./var").resolve()
DEBUG = env_bool("BAIRN_DEBUG")

_secret = env("BAIRN_SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise ImproperlyConfigured(
            "BAIRN_SECRET_KEY (or BAIRN_SECRET_KEY_FILE) must be set when BAIRN_DEBUG is off."
        )
    _secret = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = _secret

ALLOWED_HOSTS = [
    h.strip()
    for h in (env("BAIRN_ALLOWED_HOSTS") or "localhost,127.0.0.1,[::1],testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "bairn.agencies",
    "bairn.people",
    "bairn.chronology",
    "bairn.sharing",
    "bairn.planning",
    "bairn.notify",
    "bairn.audit",
    "bairn.access",
    "bairn.api",
    "bairn.web",
    "bairn.demo",
    "bairn.bench",
    "bairn.ops",
    # Background work (DEVELOPERS "Background work"): Django's tasks framework backport
    # and its database backend; bairn.tasks holds the tasks and `bairn worker`.
    "django_tasks",
    "django_tasks_db",
    "bairn.tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bairn.api.middleware.JsonErrors",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "bairn.web.middleware.IdleTimeout",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bairn.urls"
WSGI_APPLICATION = "bairn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "bairn.web.context.bairn",
            ],
        },
    },
]


def _sqlite(name: str) -> dict[str, object]:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / name),
        "OPTIONS": {
            # IMMEDIATE: every transaction takes the write lock when it starts, so two
            # writers never both read the audit chain's head and fork it.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def _pool() -> dict[str, int] | None:
    """BAIRN_DB_POOL: 1 for a pool of 2 to 8 connections per store and process, MIN:MAX
    for other sizes, unset or 0 for none (docs/scaling.md "Pooling")."""
    value = (env("BAIRN_DB_POOL") or "").strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return None
    if value in {"1", "true", "yes", "on"}:
        return {"min_size": 2, "max_size": 8}
    low, _, high = value.partition(":")
    try:
        sizes = {"min_size": int(low), "max_size": int(high or low)}
    except ValueError:
        sizes = {"min_size": 0, "max_size": 0}
    if not 0 <= sizes["min_size"] <= sizes["max_size"] or sizes["max_size"] < 1:
        raise ImproperlyConfigured(f"BAIRN_DB_POOL must be 1, 0 or MIN:MAX, not {value!r}")
    return sizes


_POOL = _pool()
_PGBOUNCER = env_bool("BAIRN_PGBOUNCER")


def _postgresql(url_var: str, url: str) -> dict[str, object]:
    # A pool keeps the connections itself: Django's persistent ones must be off.
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=0 if _POOL else 60))
    options: dict[str, object] = config.setdefault("OPTIONS", {})  # type: ignore[assignment]
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{url_var} must be a postgres:// URL")
    if _POOL:
        options["pool"] = dict(_POOL)
    if _PGBOUNCER:
        # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction.
        # (Django already turns psycopg's prepared statements off: prepare_threshold.)
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


def _database(url_var: str, sqlite_name: str) -> dict[str, object]:
    url = env(url_var)
    if url:
        return _postgresql(url_var, url)
    if _POOL:
        raise ImproperlyConfigured(
            f"BAIRN_DB_POOL pools PostgreSQL connections, and {url_var} is not set (SQLite)."
        )
    return _sqlite(sqlite_name)


# Two stores (DOMAIN §6): "default" holds what was recorded and shared; "identity" holds
# who the people are. No foreign key crosses them; see bairn.people.router.
DATABASES = {
    "default": _database("DATABASE_URL", "bairn.sqlite3"),
    "identity": _database("IDENTITY_DATABASE_URL", "identity.sqlite3"),
}
# A streaming replica of either store (docs/scaling.md "The replica"): when its URL is set,
# the reads of GET requests may go to it (bairn.replica). Off by default.
BAIRN_REPLICAS: dict[str, str] = {}
for _store, _url_var, _primary_var in (
    ("default", "BAIRN_REPLICA_URL", "DATABASE_URL"),
    ("identity", "BAIRN_IDENTITY_REPLICA_URL", "IDENTITY_DATABASE_URL"),
):
    _replica_url = env(_url_var)
    if not _replica_url:
        continue
    if DATABASES[_store]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"{_url_var} names a replica of PostgreSQL, and {_primary_var} is not set "
            f"(the {_store} store is SQLite, which has no replica)."
        )
    DATABASES[f"{_store}_replica"] = {
        **_postgresql(_url_var, _replica_url),
        "TEST": {"MIRROR": _store},  # a physical replica has no test database of its own
    }
    BAIRN_REPLICAS[_store] = f"{_store}_replica"
# How long a GET waits for a lagging replica to replay what the primary had committed when
# the request began, before it reads the primary instead.
BAIRN_REPLICA_WAIT_MS = env_int("BAIRN_REPLICA_WAIT_MS", 20)
DATABASE_ROUTERS = [
    *(["bairn.replica.ReplicaRouter"] if BAIRN_REPLICAS else []),
    "bairn.people.router.IdentityRouter",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "agencies.Practitioner"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: lock a username after repeated failures, from whatever addresses they came
# (guesses spread over many addresses are locked too, and one attacker behind the same
# proxy as everyone else locks out only the usernames they tried), for a cool-off.
AXES_FAILURE_LIMIT = env_int("BAIRN_LOCKOUT_FAILURES", 5)
BAIRN_LOCKOUT_MINUTES = env_int("BAIRN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = BAIRN_LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# The client's address (kept in the audit of attempts) comes from X-Forwarded-For only
# when the request came from one of BAIRN_TRUSTED_PROXIES (addresses or networks,
# comma-separated); otherwise it is the connection's own address.
BAIRN_TRUSTED_PROXIES = [
    p.strip() for p in (env("BAIRN_TRUSTED_PROXIES") or "").split(",") if p.strip()
]
for _proxy in BAIRN_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"BAIRN_TRUSTED_PROXIES: {_proxy!r} is not an address or a network"
        ) from None
AXES_CLIENT_IP_CALLABLE = "bairn.agencies.lockout.client_ip"
# axes warns when the lock is not per address: here that is the point (a username is
# locked whatever the address, so rotating addresses, agents or cookies gains nothing).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "bairn.agencies.lockout.lockout_response"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

HTTPS = env_bool("BAIRN_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
# Signed out after this many minutes without a request; what was being written is kept
# as a draft (bairn.web.drafts).
BAIRN_IDLE_MINUTES = env_int("BAIRN_IDLE_MINUTES", 15)
# Dangerous acts (break glass, child protection disclosure, printing a plan) ask for a
# fresh code when the last one was entered longer ago than this (STYLE.md "step-up").
BAIRN_STEP_UP_MINUTES = env_int("BAIRN_STEP_UP_MINUTES", 10)
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: scripts and styles from Bairn itself (or with the
# request's nonce), nothing framed, forms post only to Bairn. The API's documentation page
# (Swagger UI) styles itself inline, so it is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# A request body larger than this is refused with 400 before it is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

EMAIL_BACKEND = env("BAIRN_EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = env("BAIRN_EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("BAIRN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("BAIRN_EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = env("BAIRN_EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("BAIRN_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("BAIRN_EMAIL_FROM") or "Bairn <no-reply@bairn.invalid>"

BAIRN_BASE_URL = (env("BAIRN_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")
BAIRN_PATTERN_WINDOW_DAYS = env_int("BAIRN_PATTERN_WINDOW_DAYS", 90)
BAIRN_API_TOKEN_HOURS = env_int("BAIRN_API_TOKEN_HOURS", 12)
# How long a one-time set-up link for a new account's authenticator app works.
BAIRN_SETUP_LINK_HOURS = env_int("BAIRN_SETUP_LINK_HOURS", 72)
# A child aged this or over is presumed able to consent (DPA 2018 s.208, Scotland).
BAIRN_CONSENT_AGE = env_int("BAIRN_CONSENT_AGE", 12)
# The match is no oracle (DOMAIN §4.2): a burst of guesses by one practitioner is refused.
BAIRN_MATCH_LIMIT = env_int("BAIRN_MATCH_LIMIT", 20)
BAIRN_MATCH_WINDOW_MINUTES = env_int("BAIRN_MATCH_WINDOW_MINUTES", 10)
# How long a child protection disclosure made without an ISP stays visible to its recipient.
BAIRN_CP_RETENTION_DAYS = env_int("BAIRN_CP_RETENTION_DAYS", 730)

# The audit log (DEVELOPERS.md "The audit log"): the Ed25519 key that signs its
# checkpoints (`bairn audit keygen`; when unset, one is made in the data folder on first
# use, as the demo and tests need), the log's name in them, and how often `bairn serve`
# puts new events into the tree and signs a checkpoint.
BAIRN_AUDIT_KEY_FILE = env("BAIRN_AUDIT_KEY_FILE") or ""
BAIRN_AUDIT_ORIGIN = env("BAIRN_AUDIT_ORIGIN") or "bairn.local/audit"
BAIRN_AUDIT_SEAL_SECONDS = env_int("BAIRN_AUDIT_SEAL_SECONDS", 5)

# Background work (DEVELOPERS "Background work"): e-mail and pattern checks are tasks in
# the database (django-tasks-db), run by `bairn worker`, which `bairn serve` starts; a
# failed task is tried again BAIRN_TASK_ATTEMPTS times in all, after RETRY_SECONDS,
# doubling; a task claimed by a worker that stopped runs again after TIMEOUT_SECONDS.
TASKS = {"default": {"BACKEND": env("BAIRN_TASKS_BACKEND") or "django_tasks_db.DatabaseBackend"}}
BAIRN_TASK_ATTEMPTS = env_int("BAIRN_TASK_ATTEMPTS", 5)
BAIRN_TASK_RETRY_SECONDS = env_int("BAIRN_TASK_RETRY_SECONDS", 30)
BAIRN_TASK_TIMEOUT_SECONDS = env_int("BAIRN_TASK_TIMEOUT_SECONDS", 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "ERROR"}},
}
