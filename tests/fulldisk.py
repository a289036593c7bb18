"""A real full disk for tests: a size-limited tmpfs mounted under tmp_path.

Nothing is mocked: SQLite, the logs and the secret key meet ENOSPC exactly as
on a terminal whose disk filled up. Needs root (mount); a machine that forbids
mounting skips these tests with the reason.
"""
import os
import subprocess

import pytest


class SmallDisk:
    def __init__(self, path, megabytes):
        self.path = str(path)
        os.makedirs(self.path, exist_ok=True)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=700",
                                 "tmpfs", self.path], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs here: {result.stderr.strip()}")
        self.filler = os.path.join(self.path, "filler")

    def fill(self):
        """Write until the file system refuses: ENOSPC for every later write."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for chunk in (1 << 16, 1 << 12, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * chunk)
                except OSError:
                    pass
        finally:
            os.close(fd)
        assert os.statvfs(self.path).f_bavail == 0

    def free(self):
        """Space comes back (the chair deleted old files)."""
        os.remove(self.filler)

    def unmount(self):
        subprocess.run(["umount", "-l", self.path], check=False)


@pytest.fixture
def small_disk(tmp_path):
    disk = SmallDisk(tmp_path / "disk", megabytes=24)
    yield disk
    disk.unmount()
