"""Failed logins slow down; they never lock an account.

A hard lock lets anyone lock the chair out by typing five wrong passwords, again
and again. Instead, each (username, client address) pair gets a few free tries
and then must wait longer after each failure (2, 4, 8 … seconds, at most
``cap``); the address as a whole has a larger allowance, so spraying many
usernames from one place slows down too. The chair at the terminal is another
address than a brute force from elsewhere, so they can still log in.

Unknown usernames are throttled exactly like known ones: the answer reveals
nothing about which accounts exist. Counts live in the process, like the
kiosk's other limits (service/limits.py); a restart forgets them.
"""
from ..service.limits import GuessBackoff


class LoginThrottle:
    def __init__(self, free=3, cap=300, memory=3600, address_free=20):
        self.pairs = GuessBackoff(free=free, cap=cap, memory=memory)
        self.addresses = GuessBackoff(free=address_free, cap=cap, memory=memory)

    @staticmethod
    def _pair(username, address):
        return (username.strip().casefold()[:40], address)

    def wait(self, username, address):
        """Seconds before this pair may try again (0: now)."""
        return max(self.pairs.wait(self._pair(username, address)), self.addresses.wait(address))

    def failure(self, username, address):
        self.pairs.failure(self._pair(username, address))
        self.addresses.failure(address)

    def success(self, username, address):
        """The right password from here: this pair starts afresh (the address does not)."""
        self.pairs.forget(self._pair(username, address))
