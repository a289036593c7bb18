"""Logs that cannot fill a terminal's disk: one rotated file, no line per request.

Repeated identical errors are rate-limited: a flood of the same failure (11 s of
500s once rotated every earlier line away) logs its first few, then one line
per minute saying how many more there were, so the history before it survives.
"""
import logging
import os
import threading
import time
from logging.handlers import RotatingFileHandler


class RepeatFilter(logging.Filter):
    """At most ``burst`` records per ``window`` seconds for each kind of record.

    A kind is the logger, the level and the message template; for an exception,
    its type and the line that raised it (Flask's "Exception on /path" differs by
    path, so a flood over many paths is still one kind)."""

    MAX_KINDS = 1000

    def __init__(self, burst=5, window=60, clock=time.monotonic):
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self._kinds = {}   # kind -> [window start, count in window]
        self._lock = threading.Lock()

    def filter(self, record):
        kind = _kind(record)
        now = self.clock()
        with self._lock:
            start, count = self._kinds.get(kind, (now, 0))
            if now - start >= self.window:
                if count > self.burst:
                    record.msg = (f"{record.msg} [and {count - self.burst} identical "
                                  f"messages in the last {int(now - start)} s, not logged]")
                start, count = now, 0
            count += 1
            if len(self._kinds) >= self.MAX_KINDS and kind not in self._kinds:
                self._kinds.clear()
            self._kinds[kind] = (start, count)
            return count <= self.burst


def _kind(record):
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        tb = record.exc_info[2]
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno) if tb is not None else None
        return (record.name, record.levelno, type(error).__name__, where)
    return (record.name, record.levelno, str(record.msg)[:200])


def file_handler(path, max_bytes, backups):
    """The rotating log file, with repeated identical messages rate-limited."""
    handler = RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    handler.addFilter(RepeatFilter())
    return handler


def init_app(app):
    if app.testing:
        return
    log_dir = os.path.join(app.instance_path, "logs")
    os.makedirs(log_dir, exist_ok=True)
    handler = file_handler(os.path.join(log_dir, "kiosk.log"), app.config["LOG_MAX_BYTES"],
                           app.config["LOG_BACKUPS"])
    root = logging.getLogger()
    if not any(isinstance(h, RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    # waitress.queue warns once per queued request under load: megabytes a minute.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    # werkzeug would log every request at INFO under the dev server.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
