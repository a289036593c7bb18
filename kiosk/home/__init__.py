"""The home screen, the attract (idle) view, the language switch and the idle reset.

The attract view is what the kiosk shows when nobody is using it (issue 14): the
features' live panels (today's weather board) and 轻触开始; one touch returns
home. A badge swiped on either screen goes straight to the feature that
registered the swipe (the mood check-in), the badge being proof of who swiped.

The screens are in ``screens``, on ``bp``: the one blueprint at the root of the URLs.
"""
from flask import Blueprint

bp = Blueprint("home", __name__)

from . import screens  # noqa: E402,F401  (views: their routes join bp)


def init_app(app):
    app.register_blueprint(bp)
