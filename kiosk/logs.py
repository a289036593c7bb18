"""Logs that cannot fill a terminal's disk: one rotated file, no line per request."""
import logging
import os
from logging.handlers import RotatingFileHandler


def init_app(app):
    if app.testing:
        return
    log_dir = os.path.join(app.instance_path, "logs")
    os.makedirs(log_dir, exist_ok=True)
    handler = RotatingFileHandler(os.path.join(log_dir, "kiosk.log"),
                                  maxBytes=app.config["LOG_MAX_BYTES"],
                                  backupCount=app.config["LOG_BACKUPS"], encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    # waitress.queue warns once per queued request under load: megabytes a minute.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # werkzeug would log every request at INFO under the dev server.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
