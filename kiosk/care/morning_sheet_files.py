"""The morning sheets kept on the station, and the time the chair wants one each morning.

A sheet names upset workers, so the copies are the station user's alone (0600 in
a 0700 folder, written whole or not at all) and are kept no longer than the
weather board keeps identified check-ins, at most KEEP_DAYS.
"""
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from .. import files
from ..models import Setting

FOLDER = "morning-sheets"
KEEP_DAYS = 31
SCHEDULE_SETTING = "care.morning_sheet_at"
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})\.pdf$")


@dataclass(frozen=True)
class StoredSheet:
    day: date
    size: int


def folder():
    return os.path.join(current_app.instance_path, FOLDER)


def path_for(day):
    return os.path.join(folder(), f"{day.isoformat()}.pdf")


def store(day, data, keep_days=KEEP_DAYS):
    """Write the day's PDF atomically (0600) and drop the sheets older than ``keep_days``."""
    path = path_for(day)
    files.write_atomic(path, data, mode=files.FILE_MODE)
    prune(day - timedelta(days=keep_days))
    return path


def stored():
    """The sheets on disk, newest first; stray files are ignored."""
    try:
        entries = list(os.scandir(folder()))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        match = NAME.match(entry.name)
        if not match or not entry.is_file(follow_symlinks=False):
            continue
        try:
            found.append(StoredSheet(date.fromisoformat(match[1]), entry.stat().st_size))
        except ValueError:
            continue
    return sorted(found, key=lambda s: s.day, reverse=True)


def read(day):
    """The stored sheet's bytes, or None."""
    try:
        with open(path_for(day), "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return None


def prune(before):
    for sheet in stored():
        if sheet.day < before:
            try:
                os.unlink(path_for(sheet.day))
            except FileNotFoundError:
                pass


def parse_time(text):
    """``HH:MM`` as a time, or None when it is not one."""
    match = TIME.match((text or "").strip())
    return time(int(match[1]), int(match[2])) if match else None


def scheduled_time():
    """The time of day the sheet is made by itself, or None when it is not."""
    return parse_time(Setting.get_value(SCHEDULE_SETTING, ""))


def set_scheduled_time(at):
    """``at`` a time, or None to stop making sheets by themselves."""
    Setting.set_value(SCHEDULE_SETTING, at.strftime("%H:%M") if at else "")


def is_due(local_now):
    """Whether the timer should make today's sheet now: a time is set, it has passed
    today, and today's sheet is not stored yet (a terminal switched on late still
    gets it, and a timer firing every few minutes makes it once)."""
    at = scheduled_time()
    if at is None or local_now.time() < at:
        return False
    return not os.path.exists(path_for(local_now.date()))


def local_now(now_utc, tz_name):
    """The station's wall-clock time (naive) for a UTC time."""
    return now_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)

