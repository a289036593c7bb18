"""Personal PINs: set up from the chair's one-time slip, checked with a back-off per member.

A PIN is 4–6 digits and stored as an argon2 hash (``kiosk/passwords.py``, the administrators'
hasher, so the tests' cheap parameters apply here too). The set-up code on a printed slip is single
use, expires, and is voided by printing a new slip. Wrong PINs and wrong set-up codes
count against the member, not the terminal: after a few free tries each further one
waits longer, whoever types it and wherever. Both are written to the audit log.
"""
import secrets
from datetime import timedelta

from argon2.exceptions import InvalidHashError, VerificationError

from .. import passwords
from ..db import write_transaction
from ..models import AuditLog, utcnow
from .models import MemberPin

PIN_MIN, PIN_MAX = 4, 6
SETUP_DIGITS = 8
SETUP_DAYS = 30
FREE_TRIES = 3
FIRST_WAIT_SECONDS = 30
LONGEST_WAIT_SECONDS = 3600
# Who the audit log names for what happened at the kiosk (no administrator was there).
KIOSK_ACTOR = "kiosk"

OK, WRONG, WAIT = "ok", "wrong", "wait"


def _this_hour():
    return utcnow().replace(minute=0, second=0, microsecond=0)


def _audit_kiosk(action, member, detail=""):
    # Kept to the hour: a to-the-second "PIN set" or "wrong PIN" beside an anonymous
    # request filed a minute later would name its author (docs/architecture.md,
    # "Personal data stays where it is needed").
    AuditLog.create(at=_this_hour(), actor=KIOSK_ACTOR, action=action,
                    target=member.staff_no, detail=detail)


def _row(member):
    row, _created = MemberPin.get_or_create(member=member.id)
    return row


def _hash(secret):
    return passwords.hasher.hash(secret)


def _matches(stored, secret):
    if not stored:
        # Verify against something anyway, so "no PIN yet" takes as long as a wrong one.
        stored, secret = passwords.dummy_hash(), secret + "\0"
        try:
            passwords.hasher.verify(stored, secret)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return passwords.hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


def has_pin(member):
    row = MemberPin.get_or_none(MemberPin.member == member.id)
    return bool(row and row.pin_hash)


def pin_problem(pin):
    """Why a chosen PIN is not acceptable ("format", "easy"), or None."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        return "format"
    steps = {int(b) - int(a) for a, b in zip(pin, pin[1:], strict=False)}
    if steps in ({0}, {1}, {-1}):  # 0000, 1234, 6543: the first guesses anyone tries
        return "easy"
    return None


def wait_seconds(member, now=None):
    """Seconds before this member's PIN may be tried again (0: now)."""
    row = MemberPin.get_or_none(MemberPin.member == member.id)
    if row is None or row.wait_until is None:
        return 0
    left = (row.wait_until - (now or utcnow())).total_seconds()
    return max(0, int(left + 0.999))


def _backoff(failures):
    if failures < FREE_TRIES:
        return 0
    return min(FIRST_WAIT_SECONDS * 2 ** (failures - FREE_TRIES), LONGEST_WAIT_SECONDS)


def _check(member, what, secret, stored_of):
    """(OK | WRONG | WAIT, seconds to wait): one try at a secret, counted per member."""
    wait = wait_seconds(member)
    if wait:
        return WAIT, wait
    row = _row(member)
    if _matches(stored_of(row), secret):
        MemberPin.update(failures=0, wait_until=None).where(
            MemberPin.member == member.id).execute()
        return OK, 0
    with write_transaction():
        # Counted in the database in one statement: two terminals guessing at once
        # both count, and neither can reset the other's count.
        MemberPin.update(failures=MemberPin.failures + 1).where(
            MemberPin.member == member.id).execute()
        failures = MemberPin.get(MemberPin.member == member.id).failures
        delay = _backoff(failures)
        if delay:
            MemberPin.update(wait_until=utcnow() + timedelta(seconds=delay)).where(
                MemberPin.member == member.id).execute()
        _audit_kiosk(f"wrong {what}", member,
                     f"{failures} in a row" + (f"; waits {delay} s" if delay else ""))
    return WRONG, delay


def check_pin(member, pin):
    return _check(member, "PIN", pin or "", lambda row: row.pin_hash)


def check_setup_code(member, code):
    """The slip's code, if still valid (not used, not voided, not expired)."""
    def stored(row):
        if row.setup_expires_at is None or row.setup_expires_at < utcnow():
            return None
        return row.setup_hash
    return _check(member, "PIN set-up code", "".join(ch for ch in code or "" if ch.isdigit()),
                  stored)


def issue_setup_code(member, actor):
    """A new set-up code for a slip; any earlier slip's code stops working."""
    code = "".join(secrets.choice("0123456789") for _ in range(SETUP_DIGITS))
    _row(member)
    MemberPin.update(setup_hash=_hash(code), pending_hash=None,
                     setup_expires_at=utcnow() + timedelta(days=SETUP_DAYS)).where(
        MemberPin.member == member.id).execute()
    AuditLog.record(actor, "PIN slip printed", member.staff_no)
    return code


def choose(member, pin):
    """The first of the two entries of a new PIN (after a valid set-up code)."""
    _row(member)
    MemberPin.update(pending_hash=_hash(pin)).where(MemberPin.member == member.id).execute()


def confirm(member, pin):
    """The second entry: if it matches the first, it becomes the PIN and the slip is used up."""
    row = _row(member)
    if not (row.pending_hash and _matches(row.pending_hash, pin)):
        MemberPin.update(pending_hash=None).where(MemberPin.member == member.id).execute()
        return False
    MemberPin.update(pin_hash=row.pending_hash, pending_hash=None, pin_set_at=_this_hour(),
                     setup_hash=None, setup_expires_at=None, failures=0,
                     wait_until=None).where(MemberPin.member == member.id).execute()
    _audit_kiosk("PIN set", member)
    return True


def reset(member, actor):
    """The chair clears a PIN (forgotten, or told to someone): a new slip sets the next one."""
    _row(member)
    MemberPin.update(pin_hash=None, pin_set_at=None, pending_hash=None, setup_hash=None,
                     setup_expires_at=None, failures=0, wait_until=None).where(
        MemberPin.member == member.id).execute()
    AuditLog.record(actor, "PIN reset", member.staff_no)
