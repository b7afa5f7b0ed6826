"""Settings for the rule book tracker, all driven by environment variables.

Development needs none of them: the embedded default is a SQLite file and DEBUG on.
Production is `DEBUG=false` plus `SECRET_KEY`, `ALLOWED_HOSTS` and usually `DATABASE_URL`;
a bad value stops the process at start-up with a message naming the variable.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable that refuses anything but a clear yes or no."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use true or false.")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=str(default)).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-it-in-production-0123456789"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "rulebook",
    "proposals",
    "web",
]

# A rule book, rule, version or parameter is shown on a member page (web/urls.py). The link is
# wired here, where every app may be named, so that `rulebook` names no URL of the app above it.
ABSOLUTE_URL_OVERRIDES = {
    "rulebook.rulebook": lambda book: reverse("web:contents", args=[book.slug]),
    "rulebook.rule": lambda rule: reverse("web:rule", args=[rule.rulebook.slug, rule.key]),
    "rulebook.ruleversion": lambda version: reverse(
        "web:version", args=[version.rule.rulebook.slug, version.rule.key, version.seq]
    ),
    "rulebook.parameter": lambda parameter: reverse(
        "web:parameter", args=[parameter.rulebook.slug, parameter.key]
    ),
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.replica.ReplicaReadsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "config.faults.FaultsMiddleware",
    "config.faults.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: it needs the resolved view's rule book, and a kept answer still passes out
    # through every middleware above (security headers, CSP) on its way back.
    "web.caching.RevisionCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite file by default so that `make run` needs no server; DATABASE_URL=postgres://… for real use.
try:
    DATABASES = {
        "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    }
except Exception as exc:  # django-environ raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ImproperlyConfigured(
        "DATABASE_URL must be a sqlite:// or postgres:// URL, "
        f"not {DATABASES['default']['ENGINE']!r}."
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections save a connect per request (on PostgreSQL that is most of a small
# request's cost); health checks drop a connection the server closed instead of failing on it.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", not DEBUG)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a command writes; a busy timeout instead of
    # "database is locked" errors under concurrent requests.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }

# An optional read replica of the primary (PostgreSQL streaming replication): see
# config/replica.py for which reads go there.
if env.str("DATABASE_REPLICA_URL", default=""):
    try:
        _replica = env.db_url("DATABASE_REPLICA_URL")
    except Exception as exc:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URL is not a valid database URL: {exc}"
        ) from None
    if _replica["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must use the same engine as DATABASE_URL.")
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=DATABASES["default"]["CONN_HEALTH_CHECKS"],
        # The test run has no real replica: the alias reads the test copy of the primary.
        TEST={"MIRROR": "default"},
    )
    DATABASES["replica"] = _replica
DATABASE_ROUTERS = ["config.replica.PrimaryReplicaRouter"]
# How long after a write every read goes to the primary (longer than the replica's lag).
REPLICA_LAG_SECONDS = env_int("REPLICA_LAG_SECONDS", 10)

# The cache backs API rate limits, so in production it should be shared (redis://…).
try:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://rulebook")}
except Exception as exc:
    raise ImproperlyConfigured(f"CACHE_URL is not a valid cache URL: {exc}") from None

# Anonymous rule-book reads (web/caching.py): how long proxies and browsers may keep them
# (and serve them stale while they check again), and how long the shared cache keeps a copy
# (copies never go stale: a write moves the revision in their key; this only bounds memory).
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 300)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)

# Import files above this size are refused before parsing (a rule book's YAML is well under
# 1 MB; parsing takes several times the file's size in memory).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 16_000_000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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

# Production hardening: everything `check --deploy` asks for, on whenever DEBUG is off.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading is a promise to browser vendors that is slow to take back (hstspreload.org asks
# for it only when every subdomain is HTTPS for good): the operator opts in, we never assume.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for preload; leaving it off is the deliberate default above.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
# __Host- cookies are only accepted over HTTPS, for this host alone, for the whole site:
# another subdomain cannot set or shadow them (RFC 6265bis). Plain names while developing
# over http://127.0.0.1.
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
# Pages and admin load nothing from elsewhere and run no inline script or style (see
# config/api_urls.py for the API docs' own additions).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Nothing here needs a camera, a microphone, a location or the other powerful features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rulebook.api.authentication.GuardedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATE_FORMAT": "iso-8601",
    "EXCEPTION_HANDLER": "rulebook.api.errors.exception_handler",
    "DEFAULT_PARSER_CLASSES": ["rulebook.api.parsers.JSONParser"],
    # Fair use, per client (rulebook/api/throttles.py); counters in the shared cache.
    "DEFAULT_THROTTLE_CLASSES": [
        "rulebook.api.throttles.AnonRateThrottle",
        "rulebook.api.throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="300/minute"),
        "user": env.str("API_USER_RATE", default="1200/minute"),
        "expensive": env.str("API_EXPENSIVE_RATE", default="120/minute"),
    },
    # How many proxies in front of the app append to X-Forwarded-For. 0: trust no header and
    # use the connection's address; a made-up X-Forwarded-For then changes nothing.
    "NUM_PROXIES": env_int("TRUSTED_PROXY_COUNT", 0),
}

# Brute force: after this many wrong API tokens from one address, tokens from it are refused
# for the lockout time (rulebook/api/authentication.py) ...
TOKEN_FAILURE_LIMIT = env_int("TOKEN_FAILURE_LIMIT", 10)
TOKEN_LOCKOUT_SECONDS = env_int("TOKEN_LOCKOUT_SECONDS", 15 * 60)
# ... and django-axes locks the admin's login form after this many failed logins from one
# address, for an hour, recording every attempt (admin: Axes > Access attempts).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "rulebook.api.throttles.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SPECTACULAR_SETTINGS = {
    "TITLE": "Rule book change tracker API",
    "DESCRIPTION": (
        "Rule books, rule versions in force on any date, word diffs, blame, proposals, "
        "amendments, votes and adoption."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# E-mail alerts for watched rules (web/watch.py; sent by `manage.py send_alerts` from cron).
# EMAIL_URL: consolemail:// (development: messages printed), smtp+tls://user:pass@host:587,
# smtps://… (django-environ's email_url). SITE_URL: the site's address, for the absolute links
# in messages.
try:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
except Exception as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from None
if not _email.get("EMAIL_BACKEND"):
    raise ImproperlyConfigured("EMAIL_URL must be a consolemail://, smtp:// or smtps:// URL.")
vars().update({name: value for name, value in _email.items() if value is not None})
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)  # a hung SMTP server must not hang cron
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Rule book tracker <alerts@localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or "\x00" in SITE_URL:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must start with http:// or https://.")
WATCH_CONFIRM_DAYS = env_int("WATCH_CONFIRM_DAYS", 7)  # unconfirmed watches deleted after
WATCH_EVENT_DAYS = env_int("WATCH_EVENT_DAYS", 30)  # outbox rows (sent or not) kept this long
# Subscriptions: per client address, and confirmation messages per e-mail address.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(
    {
        "watch": env.str("WATCH_RATE", default="20/hour"),
        "watch_address": env.str("WATCH_ADDRESS_RATE", default="5/day"),
    }
)
# Akoma Ntoso exports (web/akn.py) name the jurisdiction in their FRBR addresses
# (/akn/<country>/act/…): an ISO 3166-1 alpha-2 code, lower case, per the AKN naming convention.
AKN_COUNTRY = env.str("AKN_COUNTRY", default="gb")
if not re.fullmatch(r"[a-z]{2}", AKN_COUNTRY):
    raise ImproperlyConfigured(f"AKN_COUNTRY={AKN_COUNTRY!r} is not a two-letter country code.")
