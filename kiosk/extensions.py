"""Flask extensions: Babel (i18n), CSRF (Flask-WTF), htmx (flask-htmx)."""
import os

from flask import request, session
from flask_babel import Babel
from flask_htmx import HTMX
from flask_wtf.csrf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
htmx = HTMX()

TRANSLATIONS = os.path.join(os.path.dirname(__file__), os.pardir, "translations")


def select_locale():
    """The language a worker chose on this terminal, else the station default (also
    for text made outside a request: the morning sheet's CLI, an alert's summary)."""
    from flask import current_app, has_request_context
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["KIOSK_LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.abspath(TRANSLATIONS))
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    htmx.init_app(app)

    from flask_babel import get_locale

    @app.context_processor
    def _kiosk_context():
        locale = get_locale()
        return {
            "lang": str(locale),
            "html_lang": "zh-Hans" if locale.language == "zh" else locale.language,
            "idle_seconds": app.config["KIOSK_IDLE_SECONDS"],
            "idle_warning": app.config["KIOSK_IDLE_WARNING"],
            "role": app.config["KIOSK_ROLE"],
        }

    @app.after_request
    def _vary_on_htmx(response):
        # One URL serves a page and a fragment: caches must keep them apart.
        if request.headers.get("HX-Request") or getattr(request, "_renders_fragment", False):
            response.vary.add("HX-Request")
        return response
