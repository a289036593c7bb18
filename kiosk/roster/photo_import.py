"""Members' photos in bulk: image files or a zip of files named by staff number. No Flask.

A zip is checked before a single byte is inflated: the number of entries and
the sizes its directory declares (a zip bomb declares, or inflates to, far more
than it weighs). ``zipfile`` never returns more than an entry declares, and we
read at most one byte over the photo limit, so a lying header cannot get past.
Each photo then goes through ``normalise_photo``, which refuses non-images and
decompression bombs of its own.
"""
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from ..refusals import Refused
from .csv_import import STAFF_NO
from .models import Member
from .photo_processing import PhotoError
from .service import set_photo

MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 256 * 1024 * 1024

ADDED, REPLACED, REJECTED = "added", "replaced", "rejected"


class ZipError(Refused):
    """The zip as a whole is refused; ``reason`` is one of the keys below."""

    NOT_A_ZIP = "not_a_zip"
    TOO_MANY_FILES = "too_many_files"
    TOO_LARGE = "too_large"


@dataclass
class PhotoEntry:
    filename: str
    read: Callable[[], bytes] | None   # None: refused before reading (see error)
    error: str | None = None


@dataclass
class PhotoResult:
    filename: str
    staff_no: str
    member_name: str = ""
    outcome: str = REJECTED
    reason: str = ""      # a PhotoError reason, or not_a_staff_no, unknown_staff_no, duplicate,
    #                       unreadable


def is_zip(filename, data):
    return filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04"


def upload_entry(filename, data):
    """One image file uploaded as it is."""
    return PhotoEntry(filename=os.path.basename(filename or ""), read=lambda: data)


def zip_entries(data, max_photo_bytes, max_entries=MAX_ENTRIES, max_total=MAX_TOTAL_BYTES):
    """The photo files inside a zip, each read lazily; raise ZipError for the zip as a whole."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise ZipError(ZipError.NOT_A_ZIP) from None
    infos = [info for info in infos if not info.is_dir() and not _is_system_file(info.filename)]
    if len(infos) > max_entries:
        raise ZipError(ZipError.TOO_MANY_FILES, files=len(infos), limit=max_entries)
    total = sum(info.file_size for info in infos)
    if total > max_total:
        raise ZipError(ZipError.TOO_LARGE, megabytes=max_total // (1024 * 1024))
    entries = []
    for info in infos:
        name = os.path.basename(_decoded_name(info).replace("\\", "/"))
        if info.file_size > max_photo_bytes:
            entries.append(PhotoEntry(name, None, PhotoError.TOO_LARGE))
        else:
            entries.append(PhotoEntry(name, _reader(archive, info, max_photo_bytes)))
    return entries


def _reader(archive, info, max_photo_bytes):
    def read():
        with archive.open(info) as fh:
            return fh.read(max_photo_bytes + 1)
    return read


def _is_system_file(path):
    """macOS and Windows leave these in zips; nobody meant them as photos."""
    parts = path.replace("\\", "/").split("/")
    return (parts[0] == "__MACOSX" or parts[-1].startswith(".")
            or parts[-1].lower() in ("thumbs.db", "desktop.ini"))


def _decoded_name(info):
    """Zips from Chinese Windows store names in GBK without saying so (no UTF-8 flag)."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def staff_no_candidates(filename):
    """"1001.jpg" → ["1001"]; "1001_王芳.jpg" or "1001 王芳.jpg" → also "1001" (number first)."""
    stem = os.path.splitext(filename)[0].strip()
    first = stem.replace("_", " ").split(" ", 1)[0]
    return [stem] if first == stem else [stem, first]


def import_photos(entries, config):
    """Set each entry's photo on the member its name gives; return one PhotoResult per entry."""
    candidates = {c for entry in entries for c in staff_no_candidates(entry.filename)}
    members = {m.staff_no: m for m in Member.select().where(Member.staff_no.in_(list(candidates)))}
    matched = []
    for entry in entries:
        member = next((members[c] for c in staff_no_candidates(entry.filename) if c in members), None)
        matched.append(member)
    counts = {}
    for member in matched:
        if member is not None:
            counts[member.id] = counts.get(member.id, 0) + 1
    results = []
    for entry, member in zip(entries, matched, strict=True):
        numbers = [c for c in staff_no_candidates(entry.filename) if STAFF_NO.match(c)]
        result = PhotoResult(entry.filename, numbers[-1] if numbers else "")
        results.append(result)
        if member is None:
            result.reason = "unknown_staff_no" if numbers else "not_a_staff_no"
            continue
        result.staff_no, result.member_name = member.staff_no, member.name
        if counts[member.id] > 1:
            result.reason = "duplicate"
        elif entry.error:
            result.reason = entry.error
        else:
            _set_one(result, entry, member, config)
    return results


def _set_one(result, entry, member, config):
    try:
        data = entry.read()
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
        # a broken CRC, an encrypted entry, an unknown compression method
        result.reason = "unreadable"
        return
    had_photo = member.photo_digest is not None
    try:
        set_photo(member, data, config)
    except PhotoError as error:
        result.reason = error.reason
        return
    result.outcome = REPLACED if had_photo else ADDED
