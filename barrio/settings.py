"""Django settings of Barrio, all read from the environment (see ``docs/operations.md``)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from barrio.config import BASE_DIR, env, env_bool, env_list, is_production, load_secrets, var_dir

PRODUCTION = is_production()
VAR_DIR = var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

_secrets = load_secrets()
SECRET_KEY = _secrets["SECRET_KEY"]
#: Fernet keys for personal fields, newest first (comma-separated); see ``rotate_keys``.
FIELD_ENCRYPTION_KEYS = [key.strip() for key in _secrets["BARRIO_FIELD_KEYS"].split(",")]
#: Key of the keyed hash (blind index) used for exact look-ups of encrypted values.
BLIND_INDEX_KEY = _secrets["BARRIO_BLIND_INDEX_KEY"]

DEBUG = env_bool("BARRIO_DEBUG", default=False)
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "auditlog",
    "barrio.jobs",
    "barrio.territories",
    "barrio.accounts",
    "barrio.registry",
    "barrio.planning",
    "barrio.participation",
    "barrio.portal",
    "barrio.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "barrio.accounts.middleware.SecondFactorRequiredMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "barrio.middleware.ApiErrorShapeMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees every failed sign-in (django-axes' own advice).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "barrio.urls"
WSGI_APPLICATION = "barrio.wsgi.application"
ASGI_APPLICATION = "barrio.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "barrio" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "barrio.accounts.context_processors.programmes",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# SQLite in WAL mode is the embedded default; DATABASE_URL selects PostgreSQL (or another).
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'barrio.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while a task worker writes; IMMEDIATE transactions
        # take the write lock up front so concurrent writers wait instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The test database is a file, so that a real task-worker process can share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_barrio.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after repeated failures (django-axes): per e-mail address and IP address.
AXES_FAILURE_LIMIT = int(env("BARRIO_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(env("BARRIO_LOCKOUT_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Audit (django-auditlog): every change of a registered model, and every read of personal data.
AUDITLOG_INCLUDE_ALL_MODELS = False
# Masked personal fields show that they changed and nothing of their value.
AUDITLOG_MASK_CALLABLE = "barrio.accounts.audit.mask_personal_value"
AUDITLOG_DISABLE_REMOTE_ADDR = False
OTP_TOTP_ISSUER = "Barrio"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
SESSION_COOKIE_AGE = int(env("BARRIO_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English")), ("pt", _("Portuguese"))]
LOCALE_PATHS = [BASE_DIR / "barrio" / "locale"]
TIME_ZONE = env("TIME_ZONE", "America/Mexico_City")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "barrio" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env("BARRIO_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# --- Background tasks -------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "barrio@localhost")

# --- Security ---------------------------------------------------------------------------
# Every asset is ours: no third-party origin may serve a script, a style, a font or a frame.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env_list("BARRIO_MAP_TILE_ORIGINS", [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    DEBUG = False
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging: never a personal value in a log line; warnings and errors to stderr --------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

#: Tile layer of the maps; empty means our own GeoJSON on a plain background (no tile server).
BARRIO_MAP_TILE_URL = env("BARRIO_MAP_TILE_URL")
#: Whether the demo programmes may be loaded (never in production).
BARRIO_DEMO_ALLOWED = not PRODUCTION

# Messages to beneficiaries (registry, issue 10 part B): the class that sends an SMS. The
# embedded default logs one line per message (household reference, last two digits of the
# phone, segments) and sends nothing; a provider's adapter is named here in production.
BARRIO_MESSAGE_SENDER = env("BARRIO_MESSAGE_SENDER", "barrio.messaging.ConsoleSender")

# One-time codes of census votes (issue 8): at most this many attempts per client address
# and per 10 minutes at each step (asking for a code; voting with it), pages and API together.
BARRIO_CODE_RATE_LIMIT = int(env("BARRIO_CODE_RATE_LIMIT", "20"))
# Reverse proxies (their addresses) whose X-Forwarded-For header names the client. Empty:
# the connection's address is the client's and the header is ignored (anyone can write it).
BARRIO_TRUSTED_PROXIES = env_list("BARRIO_TRUSTED_PROXIES", [])

# Open data (issue 8): the licence of every dataset in the catalogue at /api/v1/open-data/
# (anonymised ballots as pabulib files, results as CSV).
BARRIO_OPEN_DATA_LICENCE = {
    "id": env("BARRIO_OPEN_DATA_LICENCE_ID", "CC-BY-4.0"),
    "name": env("BARRIO_OPEN_DATA_LICENCE_NAME", "Creative Commons Attribution 4.0 International"),
    "url": env("BARRIO_OPEN_DATA_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/"),
}
