"""Settings, all read from the environment (every variable is listed in .env.example).

Settings import no code of the service's own and write nothing: each app checks the values of its
own rules when it loads (its apps.py), so a bad value still stops every process at start-up.

The defaults run the quick start on one machine with nothing installed: SQLite, an embedded
filesystem broker for Celery and emails printed to the console. Production and CI set
DATABASE_URL (PostgreSQL), CELERY_BROKER_URL (Redis) and EMAIL_URL.
"""

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # quick-start state: SQLite file, embedded broker queue

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment variables win

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for local use).")
    SECRET_KEY = "insecure-local-development-key"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "core",
    "accounts",
    "security",
    "children",
    "reviews",
    "escalations",
    "reports",
    "consultations",
    "ssda903",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A session ends a fixed time after sign-in, however active; then the second factor is asked for.
    "security.middleware.SessionLifetimeMiddleware",
    "security.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    # Children's records are never cached by browsers or proxies.
    "core.middleware.NoStoreMiddleware",
    # Last: turns a sign-in refused for too many failures into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "iro_service.urls"
WSGI_APPLICATION = "iro_service.wsgi.application"

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
                "accounts.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection kept between requests is checked before each request reuses it: one dropped by the
# database (a restart, a failover) is replaced instead of failing the request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"].get("ENGINE") == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles the reports' short queries for longer than they run (about a second
    # each); any options given in DATABASE_URL (?options=...) are kept after it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(filter(None, ["-c jit=off", _options.get("options", "")]))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What is kept until the data change (the dashboard's and annual report's figures, core.changes) and
# the annual report's PDF. Each process's own memory unless CACHE_URL names a Redis database, which
# several web servers and workers then share (keys name the database and the code, so a cache
# shared by several services or releases never answers for another).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # A Redis out of reach costs a request a second or two, not the system's TCP timeout: the
    # figures are then computed without it (core.changes.KeptCache).
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=1, socket_timeout=2)

AUTH_USER_MODEL = "iro_service.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "security.passwords.RepeatedOrSequentialValidator"},
]
# Failed sign-ins are counted per account and, separately, per address (django-axes), on the
# sign-in page and /admin/ alike; the first check is the lockout, before the password is looked at.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Locked out until this many minutes have passed or an administrator unlocks the account.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "security.views.locked_out"
AXES_USERNAME_CALLABLE = "security.lockout.attempted_username"
AXES_VERBOSE = False  # its log lines name the username; the service's own audit records lockouts
# Two-factor sign-in (TOTP, with one-time recovery codes) for every role while this is on.
REQUIRE_MFA = env.bool("REQUIRE_MFA", default=True)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="IRO service")
# A password reset link works for this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str("STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage")
    },
}
if DEBUG:
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Sessions end with the browser and after an idle hour: these are shared office machines.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# ... and, however active, this many seconds after signing in (10 hours: a working day).
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME", default=10 * 60 * 60)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
_behind_proxy = env.bool("BEHIND_TLS_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _behind_proxy else None
# The address counted for lockouts: behind the proxy, the one it appended to X-Forwarded-For;
# otherwise the connection's own (a header the client sets itself would dodge the count).
BEHIND_TLS_PROXY = _behind_proxy
AXES_CLIENT_IP_CALLABLE = "security.lockout.client_address"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Strict Transport Security: on by default in production (DEBUG off), a year, subdomains included.
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
# Content Security Policy (django-csp): nothing inline; the few scripts that must be inline carry
# the request's nonce. Everything comes from this origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Browser features the service never uses are switched off.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# --- The service's own rules -------------------------------------------------------------
# How review due dates are computed: "days-28-90-180" (default) or "england-2010" (see
# docs/domain.md). Checked by reviews/apps.py.
REVIEW_TIMESCALE_POLICY = env.str("REVIEW_TIMESCALE_POLICY", default="days-28-90-180")
# The LA's UK nation for bank holidays: ENG, WLS, SCT or NIR. Checked by reviews/apps.py.
BANK_HOLIDAY_NATION = env.str("BANK_HOLIDAY_NATION", default="ENG")
# A series of short breaks is one arrangement while each break starts within this many months of the
# last one ending (docs/domain.md, "Review timescales"). Checked by reviews/apps.py.
SHORT_BREAK_GAP_MONTHS = env.int("SHORT_BREAK_GAP_MONTHS", default=6)
# A review is "due soon" on the caseload within this many working days of its due date.
DUE_SOON_WORKING_DAYS = env.int("DUE_SOON_WORKING_DAYS", default=20)
# The IRO is reminded of a review with no meeting booked this many working days before it is due,
# and again this many (first, second).
REVIEW_REMINDER_WORKING_DAYS = tuple(env.list("REVIEW_REMINDER_WORKING_DAYS", cast=int, default=[20, 5]))
if len(REVIEW_REMINDER_WORKING_DAYS) != 2 or not 0 < REVIEW_REMINDER_WORKING_DAYS[1] < REVIEW_REMINDER_WORKING_DAYS[0]:
    raise environ.ImproperlyConfigured("REVIEW_REMINDER_WORKING_DAYS must be two numbers, larger first, e.g. 20,5.")
# Working days each stage of the dispute resolution process has to respond, for the stages that
# differ from 5, as stage=days pairs: "team_manager=10,director=10". escalations/apps.py checks the
# stage names and fills in the other stages.
ESCALATION_RESPONSE_WORKING_DAYS = {}
for _pair in env.list("ESCALATION_RESPONSE_WORKING_DAYS", default=[]):
    _stage, _, _days = (part.strip() for part in _pair.partition("="))
    if not _stage or not _days.isdigit() or int(_days) < 1:
        raise environ.ImproperlyConfigured(
            f"ESCALATION_RESPONSE_WORKING_DAYS must be stage=days pairs such as team_manager=10, with days of 1 or "
            f"more, not {_pair!r}."
        )
    ESCALATION_RESPONSE_WORKING_DAYS[_stage] = int(_days)
# The whole formal process (team manager onwards) is expected within this many working days.
ESCALATION_FORMAL_PROCESS_WORKING_DAYS = env.int("ESCALATION_FORMAL_PROCESS_WORKING_DAYS", default=20)
if ESCALATION_FORMAL_PROCESS_WORKING_DAYS < 1:
    raise environ.ImproperlyConfigured("ESCALATION_FORMAL_PROCESS_WORKING_DAYS must be 1 or more.")

# Consultation links work until the end of the review's day; for a review whose date has passed, for
# this many days. People who have not answered are reminded once, this many working days before it.
CONSULTATION_LINK_DAYS = env.int("CONSULTATION_LINK_DAYS", default=14)
CONSULTATION_REMINDER_WORKING_DAYS = env.int("CONSULTATION_REMINDER_WORKING_DAYS", default=3)
# The public consultation pages answer this many requests a minute from one address, and for one link.
CONSULTATION_REQUESTS_PER_MINUTE_PER_ADDRESS = env.int("CONSULTATION_REQUESTS_PER_MINUTE_PER_ADDRESS", default=60)
CONSULTATION_REQUESTS_PER_MINUTE_PER_LINK = env.int("CONSULTATION_REQUESTS_PER_MINUTE_PER_LINK", default=30)

# --- Email ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="IRO service <iro-service@localhost>")
# The service's public address, for the links in emails. A wrong default would send every
# recipient to a machine they cannot reach, so outside local use it must be set.
SITE_URL = env.str("SITE_URL", default="")
if not SITE_URL:
    if not DEBUG:
        raise environ.ImproperlyConfigured(
            "Set SITE_URL to the service's public address, e.g. https://iro.example.gov.uk."
        )
    SITE_URL = "http://127.0.0.1:8000"
if not re.fullmatch(r"https?://[^/\s]+(/\S*)?", SITE_URL):
    raise environ.ImproperlyConfigured(f"SITE_URL must be an address starting http:// or https://, not {SITE_URL!r}.")

# --- Celery --------------------------------------------------------------------------------
# The default broker is kombu's filesystem transport: no server needed for the quick start
# (scripts/run_quickstart.sh creates its folders).
# Uploads: a request's form fields are held in memory up to this size (refused beyond it), and an
# uploaded file goes to a temporary file on disk beyond this one (Django removes it after the request).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# The 903 import's limits (ssda903/reading.Limits): the upload, its files unzipped, their rows and
# one value's length. An upload unzipping to more than SSDA903_IMPORT_IN_PAGE_MAX_BYTES is imported
# by a worker, its files waiting in SSDA903_IMPORT_DIR (shared by the web server and the workers).
SSDA903_UPLOAD_MAX_BYTES = env.int("SSDA903_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
SSDA903_EXPANDED_MAX_BYTES = env.int("SSDA903_EXPANDED_MAX_BYTES", default=200 * 1024 * 1024)
SSDA903_MAX_ROWS = env.int("SSDA903_MAX_ROWS", default=300_000)
SSDA903_MAX_VALUE_CHARS = env.int("SSDA903_MAX_VALUE_CHARS", default=1_000)
SSDA903_IMPORT_IN_PAGE_MAX_BYTES = env.int("SSDA903_IMPORT_IN_PAGE_MAX_BYTES", default=2 * 1024 * 1024)
SSDA903_IMPORT_DIR = env.str("SSDA903_IMPORT_DIR", default=str(Path(tempfile.gettempdir()) / "iro-903-imports"))

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "queue"),
        "data_folder_out": str(_queue / "queue"),
        "processed_folder": str(_queue / "processed"),
        "control_folder": str(_queue / "control"),
    }
else:
    # An hour: no task is ever scheduled further ahead than this (no long ETAs on the broker).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task killed mid-run is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_TIMEZONE = TIME_ZONE


def _crontab(variable: str, default: str) -> crontab:
    """A schedule from the environment as five cron fields: minute hour day-of-month month day-of-week."""
    fields = env.str(variable, default=default).split()
    if len(fields) != 5:
        raise environ.ImproperlyConfigured(f"{variable} must be five cron fields, such as {default!r}.")
    minute, hour, day_of_month, month_of_year, day_of_week = fields
    return crontab(minute, hour, day_of_week, day_of_month, month_of_year)


# Every periodic task, in one place. Each schedule can be overridden from the environment; each
# run expires before the next is due, so runs missed while workers were down do not pile up.
# The daily sweeps run on weekdays in working hours (bank holidays are skipped by the task itself).
DAILY_SWEEPS = [
    # (sweep, environment variable, default schedule: minute hour day-of-month month day-of-week)
    # 08:55: short-break arrangements whose gap has run out with no break: their reviews stop.
    ("short_break_lapses", "SCHEDULE_SHORT_BREAK_LAPSES", "55 8 * * mon-fri"),
    # 09:00: reviews due within 20 and 5 working days with no meeting booked.
    ("reviews_due", "SCHEDULE_REVIEWS_DUE", "0 9 * * mon-fri"),
    # 09:05: reviews that have become overdue.
    ("reviews_overdue", "SCHEDULE_REVIEWS_OVERDUE", "5 9 * * mon-fri"),
    # 09:10: decisions (5 working days) and records (15) not sent out.
    ("distribution_late", "SCHEDULE_DISTRIBUTION_LATE", "10 9 * * mon-fri"),
    # 09:15: children looked after for 5 working days without an IRO.
    ("unallocated_children", "SCHEDULE_UNALLOCATED_CHILDREN", "15 9 * * mon-fri"),
    # 09:25: actions agreed at reviews past their due date and still open.
    ("actions_overdue", "SCHEDULE_ACTIONS_OVERDUE", "25 9 * * mon-fri"),
    # 09:30: midway checks between reviews due within 5 working days, or past, and not recorded.
    ("midway_checks", "SCHEDULE_MIDWAY_CHECKS", "30 9 * * mon-fri"),
]
CELERY_BEAT_SCHEDULE = {
    name.replace("_", "-"): {
        "task": "reviews.tasks.sweep",
        "args": [name],
        "schedule": _crontab(variable, default),
        "options": {"expires": 12 * 3600},
    }
    for name, variable, default in DAILY_SWEEPS
}
# Every minute: send what is in the outbox (rows written while the broker was down included).
CELERY_BEAT_SCHEDULE["send-notifications"] = {
    "task": "accounts.tasks.send_notifications",
    "schedule": env.int("SCHEDULE_SEND_NOTIFICATIONS_SECONDS", default=60),
    "options": {"expires": 50},
}
# 09:20 on weekdays: stages of the dispute resolution process past their respond-by date with no
# response recorded (bank holidays are skipped by the task).
CELERY_BEAT_SCHEDULE["escalation-stages-overdue"] = {
    "task": "escalations.tasks.sweep_stages_overdue",
    "schedule": _crontab("SCHEDULE_ESCALATION_STAGES_OVERDUE", "20 9 * * mon-fri"),
    "options": {"expires": 12 * 3600},
}
# Every minute: send the consultation links and reminders waiting in their outbox.
CELERY_BEAT_SCHEDULE["send-consultation-emails"] = {
    "task": "consultations.tasks.send_consultation_emails",
    "schedule": env.int("SCHEDULE_SEND_CONSULTATION_EMAILS_SECONDS", default=60),
    "options": {"expires": 50},
}
# 09:35 on weekdays: one reminder to people asked for their views who have not answered, a few
# working days before the review (bank holidays are skipped by the task).
CELERY_BEAT_SCHEDULE["consultation-reminders"] = {
    "task": "consultations.tasks.sweep_consultation_reminders",
    "schedule": _crontab("SCHEDULE_CONSULTATION_REMINDERS", "35 9 * * mon-fri"),
    "options": {"expires": 12 * 3600},
}
# 07:00 every day: the Director's report for the two-month period just ended (April-May,
# June-July, ...). The first run after a period ends builds and sends it; every later run finds it
# sent and does nothing, so a report missed while the workers were down goes out the next day.
CELERY_BEAT_SCHEDULE["director-report"] = {
    "task": "escalations.tasks.send_director_report",
    "schedule": _crontab("SCHEDULE_DIRECTOR_REPORT", "0 7 * * *"),
    "options": {"expires": 12 * 3600},
}
# 02:30 every day: sessions past their expiry are deleted (with any search terms kept in them).
CELERY_BEAT_SCHEDULE["clear-expired-sessions"] = {
    "task": "security.tasks.clear_expired_sessions",
    "schedule": _crontab("SCHEDULE_CLEAR_EXPIRED_SESSIONS", "30 2 * * *"),
    "options": {"expires": 12 * 3600},
}
# 02:45, after it: the figures the day's first pages read, computed before anyone asks for them.
CELERY_BEAT_SCHEDULE["prepare-figures"] = {
    "task": "reports.tasks.prepare_figures",
    "schedule": _crontab("SCHEDULE_PREPARE_FIGURES", "45 2 * * *"),
    "options": {"expires": 12 * 3600},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Lockouts are in the service's audit; axes's own lines for every sign-in are noise.
    "loggers": {"axes": {"level": "WARNING"}},
}
