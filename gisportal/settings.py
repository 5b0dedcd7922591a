"""Settings, all from the environment, with safe defaults for the embedded local mode."""

import os
import secrets
from datetime import timedelta

import dj_database_url
from django.utils.translation import gettext_lazy as _

from gisportal.paths import BASE_DIR, VAR_DIR


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _local_secret_key() -> str:
    # One random key per checkout, kept out of git, so sessions survive restarts in local mode.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key()
DEBUG = env_bool("DJANGO_DEBUG")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "simple_history",
    "gisportal.accounts",
    "layers",
    "etl.apps.EtlConfig",
    "gisportal.complaints",
    "gisportal.open311",
    "rest_framework",
    "rest_framework.authtoken",
    "gisportal.api",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "maps",
    "gisportal.scorecards",
    "gisportal.participants",
    "gisportal.budgeting",
    "gisportal.finances",
    "gisportal.petitions",
    "gisportal.community_scorecards",
    "gisportal.consultations",
    "gisportal.routing",
    "gisportal.council",
    "gisportal.backups",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "gisportal.proxy.ClientAddressMiddleware",  # first: every later step sees the citizen's address
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gisportal.middleware.RefuseNulMiddleware",
    "gisportal.middleware.ContentSecurityPolicyMiddleware",
    "gisportal.db.PrimaryAfterWriteMiddleware",  # reads on the replica, if any, unless this client just wrote
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gisportal.language.BrowserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gisportal.accounts.second_factor.SecondFactorMiddleware",
    "gisportal.accounts.audit.StaffAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it turns a locked-out login into gisportal.accounts.throttle's 429
]

AUTHENTICATION_BACKENDS = [
    "gisportal.accounts.throttle.StaffLoginThrottle",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # an attacker cannot lock a planner out from everywhere
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gisportal.accounts.throttle.locked_out"
AXES_VERBOSE = False
# A second factor (TOTP) for staff who set one up; for every administrator when this is on.
ADMIN_SECOND_FACTOR = env_bool("GISPORTAL_ADMIN_SECOND_FACTOR")
OTP_TOTP_ISSUER = "gisportal"

ROOT_URLCONF = "gisportal.urls"
WSGI_APPLICATION = "gisportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gisportal" / "templates"],
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


def _database_url() -> str:
    if url := os.environ.get("DATABASE_URL"):
        return url
    from gisportal import embedded_db

    return embedded_db.database_url()


DATABASES = {"default": dj_database_url.parse(_database_url(), engine="django.contrib.gis.db.backends.postgis")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Keep connections between requests: a new PostgreSQL backend (and PostGIS loading in it) costs more than a page query.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("GISPORTAL_CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets several test runs share one cluster without sharing a test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("GISPORTAL_TEST_DATABASE", "test_gisportal")}
# A PostgreSQL streaming replica for the reads of safe requests (maps, tiles, analyses, open data): gisportal/db.py.
if os.environ.get("DATABASE_REPLICA_URL"):
    _replica = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], engine=DATABASES["default"]["ENGINE"])
    DATABASES["replica"] = {
        **_replica,
        "ATOMIC_REQUESTS": False,  # read-only; a replica down must not fail the requests that only write
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"MIRROR": "default"},
        # Out of reach: the reads go to the primary within seconds (gisportal/db.py).
        "OPTIONS": {"connect_timeout": 2, **_replica.get("OPTIONS", {})},
    }
    DATABASE_ROUTERS = ["gisportal.db.ReplicaRouter"]
# Proxies in front that append to X-Forwarded-For (docker-compose's nginx: 1); 0 without one (gisportal/proxy.py).
PROXY_HOPS = int(os.environ.get("GISPORTAL_PROXY_HOPS", "0"))
# A client that wrote reads from the primary this long after (longer than the replica's usual lag).
REPLICA_PIN_SECONDS = int(os.environ.get("GISPORTAL_REPLICA_PIN_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "gisportal" / "locale"]
# One way of writing dates per language, everywhere (Django's Arabic mixes day-first and month-first).
FORMAT_MODULE_PATH = ["gisportal.formats"]
TIME_ZONE = "Africa/Tunis"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gisportal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Citizens' photos (these folders of MEDIA_ROOT only; imports and rasters never) are served by the portal itself,
# unless a web server in front serves them (then false: see docker-compose.yml).
SERVE_MEDIA = env_bool("GISPORTAL_SERVE_MEDIA", True)
PUBLIC_MEDIA_FOLDERS = ("complaints", "budgeting")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve the collected, pre-compressed files (make setup runs collectstatic); finders only when debugging.
WHITENOISE_USE_FINDERS = DEBUG

# Geometry: stored in WGS 84; metric work in a projected CRS (all of Tunisia lies in UTM 32N).
STORAGE_SRID = 4326
METRIC_SRID = int(os.environ.get("GISPORTAL_METRIC_SRID", "32632"))
# Basemap tiles are a setting; without one, maps show the layers alone (no external service).
BASEMAP_TILE_URL = os.environ.get("GISPORTAL_BASEMAP_TILE_URL", "")
BASEMAP_ATTRIBUTION = os.environ.get("GISPORTAL_BASEMAP_ATTRIBUTION", "")
# Where planners' map widgets open when a layer has no geometry yet (centre of Tunisia).
MAP_DEFAULT_CENTER = (9.5, 34.5)

# GDAL 3.6 cannot block file access from a malicious spatial reference: the portal never hands an
# untrusted SRS to GeoDjango's GDAL (uploads are read with pyogrio), so the warning is known and handled.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# Served over HTTPS (TLS ended by the proxy in front, which says so in X-Forwarded-Proto): secure cookies, HSTS,
# plain HTTP redirected. `gisportal check --deploy` then has nothing to warn about.
if env_bool("GISPORTAL_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer's probe, inside the private network
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GISPORTAL_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GISPORTAL_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("GISPORTAL_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GISPORTAL_LOG_LEVEL", "WARNING")},
}

# The portal's web processes in all (every node's gunicorn workers): while Redis is down each one allows this share
# of every rate limit, so that together they allow no more than the shared limit (gisportal/cache.py).
WEB_PROCESSES = int(os.environ.get("GISPORTAL_WEB_PROCESSES", os.environ.get("WEB_CONCURRENCY", "1")))
# Rate limits and tile versions must be shared by every gunicorn worker: Redis where configured;
# the per-process memory cache only suits one-process runs (tests, the local demo).
if os.environ.get("REDIS_URL"):
    CACHES = {
        # Redis down: each process's own memory meanwhile, said in the log (gisportal/cache.py).
        "default": {"BACKEND": "gisportal.cache.FallbackRedisCache", "LOCATION": os.environ["REDIS_URL"]}
    }

# Where the portal is reached from outside: the links in the e-mails sent to reporters.
SITE_URL = os.environ.get("GISPORTAL_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work: Celery on Redis where REDIS_URL is set (docker-compose.yml).
CELERY_BROKER_URL = os.environ.get("REDIS_URL", "")
CELERY_TIMEZONE = TIME_ZONE
if not CELERY_BROKER_URL:
    # No broker in the embedded mode and in tests: tasks run inline, and their errors surface to the caller.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CELERY_BROKER_URL = "memory://localhost/"  # never used when eager; keeps kombu off amqp://localhost

# The analyst API (gisportal/api): OpenAPI by drf-spectacular, its Swagger UI and Redoc served from local static files.
REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
SPECTACULAR_SETTINGS = {
    "TITLE": "gisportal API",
    "DESCRIPTION": "Municipal layers as GeoJSON: filters, cursor paging, and writes for planners.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Participants (gisportal/participants): one-time codes by e-mail or SMS, and the key of the keyed hashes
# (national ID numbers, codes). Change the key and every declared ID must be given again.
PARTICIPANTS_HASH_KEY = os.environ.get("GISPORTAL_PARTICIPANTS_HASH_KEY", SECRET_KEY)
PARTICIPANTS_SMS_SENDER = os.environ.get(
    "GISPORTAL_SMS_SENDER", "gisportal.participants.senders.ConsoleSender"
)  # or gisportal.participants.senders.HttpSmsGateway
PARTICIPANTS_SMS_GATEWAY_URL = os.environ.get("GISPORTAL_SMS_GATEWAY_URL", "")
PARTICIPANTS_SMS_GATEWAY_TOKEN = os.environ.get("GISPORTAL_SMS_GATEWAY_TOKEN", "")

# E-mail through SMTP where DJANGO_EMAIL_HOST is set; otherwise written to the console (local mode, no mail server).
if os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "gisportal <noreply@localhost>")
# Budget pages in Arabic: Western digits as Tunisia writes them ("western"), or Eastern Arabic digits ("eastern").
FINANCES_ARABIC_DIGITS = os.environ.get("GISPORTAL_ARABIC_DIGITS", "western")
