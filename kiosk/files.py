"""The files the app writes for itself: written whole or not at all, readable by us only.

A power cut may land between any two system calls. ``write_atomic`` writes a
temporary file in the same folder, fsyncs it, renames it over the old one and
fsyncs the folder: after a cut the file holds either its old content or its
new content, never a truncated mix (the secret key of issue 16 was 0 bytes).
"""
import errno
import logging
import os
import stat
import tempfile

log = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
# Files and folders the app creates are ours alone (SQLite's -wal/-shm follow the database).
UMASK = 0o077


class UnsafeFolder(RuntimeError):
    """The instance folder is writable by every user: the app refuses to start on it."""


def write_atomic(path, data, mode=FILE_MODE):
    """Replace ``path`` with ``data`` (bytes or str) durably; raise OSError on failure."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = os.path.dirname(os.path.abspath(path))
    make_private_dir(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(folder)


def fsync_dir(folder):
    """Make a rename in ``folder`` survive a power cut (the directory entry is data too)."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:  # some file systems cannot fsync a directory
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def read_text(path):
    """The file's text, or None when it does not exist or cannot be read."""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


def make_private_dir(path):
    os.makedirs(path, mode=DIR_MODE, exist_ok=True)


def secure_instance(path):
    """Create the instance folder 0700; refuse a world-writable one; tighten an old 0755 one.

    Anyone who can write the folder can replace the secret key (and so forge an
    admin session) or the database: that is not a state to serve from.
    """
    os.umask(UMASK)
    make_private_dir(path)
    st = os.stat(path)
    if st.st_mode & stat.S_IWOTH:
        raise UnsafeFolder(
            f"The instance folder {path} is writable by every user (mode "
            f"{stat.S_IMODE(st.st_mode):o}): anyone on this machine could replace the secret "
            f"key or the database. Fix it with: chmod 700 {path}")
    if st.st_mode & 0o077 and st.st_uid == os.geteuid():
        os.chmod(path, DIR_MODE)
        log.warning("tightened the instance folder %s to mode 700 (it was %o)", path,
                    stat.S_IMODE(st.st_mode))
    _tighten_contents(path)


def _tighten_contents(path, depth=1):
    """Files made before umask 077 (the database, the secret key, imports): ours alone now."""
    try:
        entries = list(os.scandir(path))
    except OSError:
        return
    for entry in entries:
        try:
            st = entry.stat(follow_symlinks=False)
            if entry.is_symlink() or st.st_uid != os.geteuid():
                continue
            if entry.is_dir():
                if st.st_mode & 0o077:
                    os.chmod(entry.path, DIR_MODE)
                if depth > 0:
                    _tighten_contents(entry.path, depth - 1)
            elif st.st_mode & 0o077:
                os.chmod(entry.path, FILE_MODE)
        except OSError as exc:  # a read-only mount: leave it, the folder is 0700 anyway
            log.warning("could not tighten %s: %s", entry.path, exc)
