"""Defaults and environment variables, in one place.

Precedence (as in flaskr): these defaults, then ``instance/config.py``, then
``KIOSK_*`` environment variables, then the ``test_config`` dict of ``create_app``.
"""
import os

DEFAULTS = {
    # station: the touchscreen terminal; central: the city federation's server.
    "KIOSK_ROLE": "station",
    # A path, or a URL such as postgresql://user@host/db (central at scale).
    "DATABASE": None,  # filled in by create_app: instance/kiosk.sqlite3
    "DATABASE_URL": None,
    # PostgreSQL: each server process (a gunicorn worker) keeps a pool of at most this
    # many connections, and replaces one idle longer than DATABASE_POOL_RECYCLE seconds.
    # A sync worker serves one request at a time, so it holds one; more only ever wait.
    "DATABASE_POOL_SIZE": 4,
    "DATABASE_POOL_RECYCLE": 300,
    "BABEL_DEFAULT_LOCALE": "zh_Hans",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    "KIOSK_LANGUAGES": ["zh_Hans", "en"],
    # Seconds without a touch before any screen returns to home; forms warn
    # with a countdown for the last KIOSK_IDLE_WARNING seconds.
    "KIOSK_IDLE_SECONDS": 60,
    "KIOSK_IDLE_WARNING": 10,
    # How long an identification at the kiosk stays valid for the next step.
    "KIOSK_IDENTIFIED_SECONDS": 120,
    # Admin sessions expire after this many minutes without a request, and this
    # many hours after the login whatever happens.
    "ADMIN_SESSION_MINUTES": 30,
    "ADMIN_SESSION_MAX_HOURS": 12,
    # Failed logins per (username, address) before each try must wait longer
    # (2, 4, 8 … seconds, at most ADMIN_LOGIN_MAX_WAIT). Never a lock.
    "ADMIN_LOGIN_FREE_FAILURES": 3,
    "ADMIN_LOGIN_MAX_WAIT": 300,
    # Uploads: roster CSV and photos (a zip of photos may be large), and the sync API.
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    # Every other request body: the kiosk's public forms (kiosk/body_limits.py).
    "KIOSK_FORM_MAX_BYTES": 64 * 1024,
    "PHOTO_MAX_BYTES": 10 * 1024 * 1024,
    "PHOTO_MAX_PIXELS": 40_000_000,
    "PHOTO_SIZE": 320,
    "LOG_MAX_BYTES": 2 * 1024 * 1024,
    "LOG_BACKUPS": 3,
    # Free space where the database lives: below DISK_FULL_BYTES the admin pages show
    # a red "disk full" banner; below DISK_LOW_BYTES (or twice the database, whichever
    # is more) the admin home warns. README, "Disk space".
    "DISK_FULL_BYTES": 32 * 1024 * 1024,
    "DISK_LOW_BYTES": 512 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    # Strict: no other site can make the browser send the (admin) session cookie.
    "SESSION_COOKIE_SAMESITE": "Strict",
    # Behind https (TLS at a reverse proxy): set SESSION_COOKIE_SECURE=1 and
    # TRUSTED_PROXIES to the number of proxies in front (for ProxyFix), so the
    # app sees the client's address and https, and the cookie never goes over http.
    "SESSION_COOKIE_SECURE": False,
    "TRUSTED_PROXIES": 0,
    "WTF_CSRF_TIME_LIMIT": None,  # a kiosk page may stay open all shift
    # Station: central's address as a phone on the mobile network reaches it, such as
    # https://gh.example.gov.cn. With it the receipt's QR opens central's tracking page
    # (/t/<code>); without it the QR holds the bare code, to scan at 查进度. Not the
    # sync URL: that may be an address only the enterprise network reaches.
    "KIOSK_CENTRAL_PUBLIC_URL": None,
    # Station: a request for the federation (权益有侵害) starts a sync at once
    # (kiosk/sync/prompt.py): "thread" in production, "off" to wait for the night.
    "SYNC_PROMPT": "thread",
    # Central: lookups of /t/<code> per address and hour, and the wrong codes allowed
    # before each further one waits longer (the kiosk's own back-off).
    "TRACKING_LOOKUPS_PER_HOUR": 120,
    # Alerts to the chair's phone (kiosk/alerts, README "Notification channels"): where the
    # robots' webhooks live (tests point them at loopback), timeouts, the delivery thread
    # (None: on, except in tests) and how often it looks for due deliveries, and a CA
    # file to trust besides the system's for a company mail server.
    "ALERTS_WECOM_URL": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    "ALERTS_DINGTALK_URL": "https://oapi.dingtalk.com/robot/send",
    "ALERTS_HTTP_TIMEOUT": 5,
    "ALERTS_SMTP_TIMEOUT": 10,
    "ALERTS_DELIVERY_THREAD": None,
    "ALERTS_POLL_SECONDS": 20,
    "ALERTS_SMTP_CAFILE": None,
}

# Environment variables read on top of the instance config; ints stay ints.
ENV_KEYS = [
    "KIOSK_ROLE", "DATABASE", "DATABASE_URL", "DATABASE_POOL_SIZE", "DATABASE_POOL_RECYCLE",
    "SECRET_KEY",
    "KIOSK_IDLE_SECONDS", "KIOSK_IDLE_WARNING", "KIOSK_IDENTIFIED_SECONDS",
    "ADMIN_SESSION_MINUTES", "ADMIN_SESSION_MAX_HOURS", "BABEL_DEFAULT_LOCALE",
    "SESSION_COOKIE_SECURE", "TRUSTED_PROXIES", "KIOSK_CENTRAL_PUBLIC_URL", "SYNC_PROMPT",
    "ALERTS_WECOM_URL", "ALERTS_DINGTALK_URL", "ALERTS_DELIVERY_THREAD", "ALERTS_SMTP_CAFILE",
]


def from_environment(defaults):
    """Return the ENV_KEYS that are set, cast to the type of their default (1/true/yes/on: True)."""
    found = {}
    for key in ENV_KEYS:
        if key in os.environ:
            value = os.environ[key]
            if isinstance(defaults.get(key), bool):
                value = value.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(defaults.get(key), int):
                value = int(value)
            found[key] = value
    return found
