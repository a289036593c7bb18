"""Limits against floods and guessing, kept small and in memory.

- Per member per day: counted in the database (``queries.filed_today_by``),
  so it holds across restarts and terminals.
- Per terminal per minute: counted here, in the process. A terminal is its
  address plus a cookie the kiosk sets; the address alone is counted too, with a
  larger allowance, so that dropping the cookie does not give a fresh start. A
  restart forgets the counts — acceptable for a kiosk, whose worst case is a
  person filing a few more requests.
- Wrong receipt codes: the back-off follows the kiosk session, so /reset (the
  Home button, the idle timeout) gives the next worker a fresh start instead of
  someone else's wait; a generous hourly cap per terminal (and per address)
  bounds a guesser who resets between tries.
"""
import threading
import time
from collections import defaultdict, deque


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per key."""

    def __init__(self, limit, window):
        self.limit, self.window = limit, window
        self._hits = defaultdict(deque)
        self._lock = threading.Lock()

    def wait(self, key, now=None):
        """Seconds until ``key`` may act again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.get(key)
            if not hits:
                return 0
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) < self.limit:
                return 0
            return max(1, int(hits[0] + self.window - now + 0.999))

    def record(self, key, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            self._hits[key].append(now)
            if len(self._hits) > 10_000:   # forget idle keys rather than grow
                for stale in [k for k, v in self._hits.items() if not v or v[-1] < now - self.window]:
                    del self._hits[stale]


class GuessBackoff:
    """After ``free`` wrong codes, each further try waits twice as long as the last
    (2, 4, 8 … seconds, at most ``cap``). Wrong codes are forgotten after ``memory``
    seconds without one; a right code does not reset the count, so a guesser
    cannot reset it with their own receipt."""

    def __init__(self, free=3, cap=300, memory=900):
        self.free, self.cap, self.memory = free, cap, memory
        self._state = {}   # key -> (failures, last failure time)
        self._lock = threading.Lock()

    def wait(self, key, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, last = self._state.get(key, (0, 0.0))
            if failures and now - last > self.memory:
                del self._state[key]
                return 0
            if failures < self.free:
                return 0
            delay = min(self.cap, 2 ** (failures - self.free + 1))
            return max(0, int(last + delay - now + 0.999))

    def failure(self, key, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            failures, last = self._state.get(key, (0, 0.0))
            if failures and now - last > self.memory:
                failures = 0
            self._state[key] = (failures + 1, now)
            if len(self._state) > 10_000:
                for stale in [k for k, (_f, t) in self._state.items() if now - t > self.memory]:
                    del self._state[stale]


    def forget(self, key):
        with self._lock:
            self._state.pop(key, None)


class Limits:
    """The station's limiters, one set per app (``app.extensions``)."""

    def __init__(self, per_terminal_minute, wrong_codes_per_hour=60, address_factor=4):
        self.terminal_filing = SlidingWindow(per_terminal_minute, 60)
        self.address_filing = SlidingWindow(per_terminal_minute * address_factor, 60)
        self.session_guesses = GuessBackoff()
        self.terminal_guesses = SlidingWindow(wrong_codes_per_hour, 3600)
        self.address_guesses = SlidingWindow(wrong_codes_per_hour * address_factor, 3600)

    def filing_wait(self, terminal, address):
        return max(self.terminal_filing.wait(terminal), self.address_filing.wait(address))

    def filed(self, terminal, address):
        self.terminal_filing.record(terminal)
        self.address_filing.record(address)

    def guess_wait(self, kiosk_session, terminal, address):
        return max(self.session_guesses.wait(kiosk_session), self.terminal_guesses.wait(terminal),
                   self.address_guesses.wait(address))

    def wrong_guess(self, kiosk_session, terminal, address):
        self.session_guesses.failure(kiosk_session)
        self.terminal_guesses.record(terminal)
        self.address_guesses.record(address)
