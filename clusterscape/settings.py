"""Settings for clusterscape.

Every deploy-time value comes from the environment (see the README's configuration table).
Without DATABASE_URL the embedded SQLite file var/clusterscape.sqlite3 is used.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


DEBUG = envbool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "clusterscape.core",
    "clusterscape.accounts",
    "clusterscape.registry",
    "clusterscape.search",
    "clusterscape.matchmaking",
    "clusterscape.content",
    "clusterscape.funding",
    "clusterscape.alerts",
    "clusterscape.api",
]

MIDDLEWARE = [
    "clusterscape.core.health.HealthCheckMiddleware",  # /healthz, /readyz: before everything
    "clusterscape.core.middleware.RequestIdMiddleware",
    "clusterscape.core.middleware.DatabaseUnavailableMiddleware",
    "clusterscape.core.routers.ReplicaRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "clusterscape.api.middleware.ApiMiddleware",  # ?lang=, CORS, ETag/304, rate limit
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clusterscape.core.cache.PublicPageCacheMiddleware",
]

# API requests a minute per client address and per token (429 with Retry-After beyond);
# 0 turns the limit off.
API_RATE_LIMIT_PER_ADDRESS = envint("API_RATE_LIMIT_PER_ADDRESS", 300)
API_RATE_LIMIT_PER_TOKEN = envint("API_RATE_LIMIT_PER_TOKEN", 1200)

ROOT_URLCONF = "clusterscape.urls"
WSGI_APPLICATION = "clusterscape.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
# PostgreSQL cancels a statement that runs longer than this, so a slow query cannot hold a
# worker (0: no limit; use 0 for migrations and big imports). Connections are kept for
# DATABASE_CONN_MAX_AGE seconds and checked before reuse: after a database restart the app
# reconnects by itself.
DATABASE_STATEMENT_TIMEOUT_MS = envint("DATABASE_STATEMENT_TIMEOUT_MS", 5000)
DATABASE_CONN_MAX_AGE = envint("DATABASE_CONN_MAX_AGE", 60)
DATABASE_CONNECT_TIMEOUT = envint("DATABASE_CONNECT_TIMEOUT", 3)
# SQLite reads the database through memory mapping (up to 1 GiB of address space, shared
# with the operating system's file cache, not memory of its own) rather than a read call
# per page that its 2 MB page cache misses: searches over 100,000 documents took 8-16 % less
# time, measured alternating on one connection.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
    "PRAGMA mmap_size=1073741824;",
}


def database(url: str) -> dict:
    """One DATABASES entry from a URL, with the timeouts above."""
    config = dj_database_url.parse(url, conn_max_age=DATABASE_CONN_MAX_AGE, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        # JIT compiles a plan whose estimated cost passes jit_above_cost: for the portal's
        # short statements (a search with many matches) that costs 100-300 ms, more than
        # the statement itself.
        settings = ["-c jit=off"]
        if DATABASE_STATEMENT_TIMEOUT_MS:
            settings.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}")
        options["options"] = " ".join(settings)
    elif config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


if DATABASE_URL:
    DATABASES = {"default": database(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "clusterscape.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
# Read replicas (comma-separated URLs): public GET requests read from them, everything else
# and a client's requests for DATABASE_REPLICA_PIN_SECONDS after its own write read from the
# primary (clusterscape/core/routers.py).
DATABASE_REPLICA_URLS = envlist("DATABASE_REPLICA_URLS", [])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = {**database(_url), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["clusterscape.core.routers.PrimaryReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = envint("DATABASE_REPLICA_PIN_SECONDS", 10)

# Caches: Redis (shared by every app server) when REDIS_URL is set, sessions then in the cache
# backed by the database; otherwise each process keeps its own memory cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "clusterscape",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long anonymous public pages stay cached (clusterscape/core/cache.py); writes invalidate
# them at once. Without Redis each worker process has its own cache and hears only of its own
# writes, so the default there is short. 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = envint("PUBLIC_PAGE_CACHE_SECONDS", 600 if REDIS_URL else 60)
# Where the processes of this machine learn that the taxonomy's labels changed, so that each
# builds its search analyzer again (search.lexicon; with Redis the cache tells them too).
SEARCH_LEXICON_GENERATION_FILE = VAR_DIR / "search-lexicon-generation"

# Background work (e-mails, index rebuilds) through Django's task framework (django-tasks):
# by default a queue in the database, worked off by `manage.py db_worker` (a Procfile
# process; `make run` starts one beside the server). TASKS_BACKEND may name another backend,
# e.g. django_tasks.backends.immediate.ImmediateBackend to run tasks at once (the tests).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages built by `make assets` (clusterscape/core/build_assets.py).
STATICFILES_DIRS = [VAR_DIR / "build" / "static"] if (VAR_DIR / "build" / "static").is_dir() else []
# Without DEBUG, static files are served by WhiteNoise from STATIC_ROOT, hashed (cacheable
# for a year) and compressed, as `make collectstatic` writes them. STATIC_MANIFEST=0 keeps the
# plain storage: the tests run without DEBUG and without collected files (pyproject.toml).
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "clusterscape.core.staticfiles.CompressedHashedStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# With the plain storage WhiteNoise looks files up through the finders on each request.
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"

SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
)
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Largest upload an import accepts (bytes); larger files are refused before parsing.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)

# Maps draw the shipped outlines only; a tile server (e.g. an own OpenStreetMap tile server,
# "https://tiles.example.org/{z}/{x}/{y}.png") is added only when MAP_TILE_URL is set.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# Logs go to the console: one JSON object per line (LOG_FORMAT=json, the default without
# DEBUG) or plain text, each with the request id (clusterscape/core/logging.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clusterscape.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "clusterscape.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per request (method, path, status, duration, page cache) from
    # RequestIdMiddleware; REQUEST_LOG_LEVEL=WARNING silences it.
    "loggers": {
        "clusterscape.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "INFO")},
    },
}

# --- Accounts and security (owned by the accounts app) -------------------------------------
# Production defaults (DEBUG off) pass `manage.py check --deploy`; each can be turned off from
# the environment, e.g. SECURE_SSL_REDIRECT=0 behind a proxy that redirects itself.
# Security headers right after Django's own, so that answers made early (cached pages, 304s)
# carry them too; the second factor is checked where the view is known.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "clusterscape.accounts.middleware.SecurityHeadersMiddleware",
)
MIDDLEWARE += ["clusterscape.accounts.middleware.StaffTwoFactorMiddleware"]
LOGIN_URL = "accounts:login"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 14 * 24 * 3600)
PASSWORD_RESET_TIMEOUT = 3600
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clusterscape <noreply@localhost>")
# The site's address for links in e-mails sent outside a request (alert digests).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# The operator named in the imprint (Impressum); shown as "to be filled in" until set.
SITE_OPERATOR = {
    "name": os.environ.get("SITE_OPERATOR_NAME", ""),
    "address": os.environ.get("SITE_OPERATOR_ADDRESS", ""),
    "email": os.environ.get("SITE_OPERATOR_EMAIL", ""),
    "phone": os.environ.get("SITE_OPERATOR_PHONE", ""),
    "representative": os.environ.get("SITE_OPERATOR_REPRESENTATIVE", ""),
}
