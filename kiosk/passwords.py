"""The one argon2 hasher: the administrators' passwords and the members' PINs.

In the base, not in the admin shell, so that the roster's PINs need no login module;
the tests swap ``hasher`` for one with cheap parameters, and both users read it here.
"""
from functools import lru_cache

from argon2 import PasswordHasher

hasher = PasswordHasher()


@lru_cache(maxsize=1)
def dummy_hash():
    """Verified against when there is nothing to check (an unknown user, no PIN yet), so
    both cases take as long. Made on first use, not at import: a hash costs 85 ms, paid by
    every process at start (the kiosk, each CLI command) when made here."""
    return hasher.hash("not a password")
