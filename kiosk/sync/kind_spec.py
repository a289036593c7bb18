"""What a syncable kind is: its owner, its fields on the wire and how central checks them.

The feature modules that declare kinds (``<feature>/sync.py``) import from here;
the registry of kinds (``kinds``) imports them in turn, by name. Keeping the two
apart keeps the imports one way: registry → features → this module.

A kind says who owns its rows (``station`` pushes them up, ``central``
publishes them down), which fields cross the wire, its parent for events,
whether the owner may change a row after sending it (``mutable``), and how a
change is noticed: by ``updated_at`` (the default) or, for kinds with derived
fields such as a team's member count, by the digest of the serialised row.
"""
import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..bulk import UUID_TEXT, uuid_text
from .protocol import DEFAULT_CLOCK_WINDOW, content_digest

STATION, CENTRAL = "station", "central"
BASE_FIELDS = ("id", "station_id", "created_at", "updated_at")
# Whole numbers a station sends (counts, orders) lie in this range unless a kind says otherwise.
INT_RANGE = (0, 10**6)
# Text without a length in the model (a description) is still bounded on the wire.
TEXT_MAX = 20_000
EARLIEST = datetime(2000, 1, 1)
_MISSING = object()  # a key the record does not have (None is a value: empty)


@dataclass(frozen=True)
class WireField:
    """One field of a kind's schema, as central checks it."""

    key: str
    type: str                 # uuid, datetime, date, int, bool, text, blob
    required: bool = True
    null: bool = False
    default: object = None
    max_length: int | None = None
    choices: Callable | tuple | None = None
    range: tuple | None = None


@dataclass
class SyncKind:
    name: str
    model: type
    owner: str
    fields: tuple
    order: int = 50
    mutable: bool = True
    parent_kind: str | None = None
    parent_field: str | None = None       # the field (a FK or a UUID) naming the parent
    detect: str = "updated_at"               # or "digest"
    extra: Callable | None = None         # row -> dict of derived fields
    rows: Callable | None = None          # () -> query of the rows to consider
    target: Callable | None = None        # central-owned: row -> station id, None for all
    apply: Callable | None = None         # station: (op, data) for a pulled change
    prepare: Callable | None = None       # station: () run before the push (derive rows)
    on_acked: Callable | None = None      # station: (ids) in the ack's transaction
    materialize: Callable | None = None   # central: ([data]) into the feature's own tables
    blob_fields: tuple = ()                  # bytes, sent as base64
    # The ack's time is kept to the hour: a sync soon after an anonymous request
    # must not date it to the minute (service/lifecycle.coarse).
    coarse_ack_time: bool = False
    base_fields: tuple = field(default=BASE_FIELDS)
    label: object = ""                      # what the admin pages call these records
    choices: dict = field(default_factory=dict)   # field -> allowed values (or a callable)
    ranges: dict = field(default_factory=dict)    # field -> (lowest, highest) whole number
    extra_schema: tuple = ()                # WireFields of what ``extra`` adds
    # Central: (data, stored data or None, parent data or None) -> why this station may
    # not write it, or None. Ownership of the record and its parent is checked before.
    refusal: Callable | None = None

    def select(self):
        return self.rows() if self.rows else self.model.select()

    def serialize(self, row):
        """The record as it crosses the wire: plain JSON values, foreign keys as ``<name>_id``."""
        data = {}
        for name in self.base_fields + tuple(self.fields):
            model_field = self.model._meta.fields[name]
            value = row.__data__.get(name)
            key = f"{name}_id" if hasattr(model_field, "rel_model") else name
            if name in self.blob_fields and value is not None:
                value = base64.b64encode(bytes(value)).decode("ascii")
            data[key] = _plain(value)
        if self.extra:
            data.update({k: _plain(v) for k, v in self.extra(row).items()})
        return data

    def version(self, row):
        """Orders the owner's writes of one record: its updated_at, fixed-width."""
        return _plain(row.updated_at)

    def parent_id(self, data):
        if not self.parent_field:
            return None
        value = data.get(self.parent_field) or data.get(f"{self.parent_field}_id")
        return uuid_text(value) if value else None

    def digest(self, data):
        return content_digest(data)

    def schema(self):
        """The wire schema: the model's own fields (type, length, null, default) plus extras."""
        if "_schema" not in self.__dict__:
            fields = [self._wire_field(name) for name in self.base_fields + tuple(self.fields)]
            self.__dict__["_schema"] = tuple(fields) + tuple(self.extra_schema)
        return self.__dict__["_schema"]

    def _wire_field(self, name):
        model_field = self.model._meta.fields[name]
        target = getattr(model_field, "rel_field", None) or model_field
        key = f"{name}_id" if hasattr(model_field, "rel_model") else name
        kind = type(target).__name__
        wire_type = ("blob" if name in self.blob_fields else
                     {"UUIDField": "uuid", "BinaryUUIDField": "uuid", "DateTimeField": "datetime",
                      "DateField": "date", "IntegerField": "int", "BigIntegerField": "int",
                      "AutoField": "int", "BigAutoField": "int", "BooleanField": "bool"}
                     .get(kind, "text"))
        default = model_field.default
        # A field with a plain default (or that may be empty) may be left out by an older
        # station: central fills the default. Base fields and ids are always required.
        optional = (name not in BASE_FIELDS and not model_field.primary_key
                    and (model_field.null or (default is not None and not callable(default))))
        max_length = getattr(target, "max_length", None) if wire_type == "text" else None
        return WireField(key, wire_type, required=not optional,
                         null=model_field.null and not model_field.primary_key,
                         default=default if not callable(default) else None,
                         max_length=max_length or (TEXT_MAX if wire_type == "text" else None),
                         choices=self.choices.get(name),
                         range=self.ranges.get(name, INT_RANGE) if wire_type == "int" else None)

    def check(self, data, version, now, window=DEFAULT_CLOCK_WINDOW):
        """(``data`` with defaults filled, why it is not a well-formed record or None).

        Unknown keys (a newer station's fields) are kept as they are; missing optional
        fields take their defaults (docs/sync-protocol.md, "Adding a synced field").
        """
        latest = now + timedelta(seconds=window)
        if version is not None and not _quick_time(version, latest):
            why = _time_problem(version, latest)
            if why:
                return data, f"version: {why}"
        data = dict(data)
        get = data.get
        for spec, fast in self._checks():
            value = get(spec.key, _MISSING)
            # The usual case first: a value the quick test passes (None never does).
            if fast is not None and fast(value, latest):
                continue
            key = spec.key
            if value is _MISSING:
                if spec.required:
                    return data, f"{key} is missing"
                data[key] = value = spec.default
            if value is None:
                if not spec.null:
                    return data, f"{key} may not be empty"
                continue
            why = _value_problem(spec, value, latest)
            if why:
                return data, f"{key}: {why}"
        return data, None

    def _checks(self):
        """(spec, quick test) per field: ``quick(value, latest)`` is True only for values the full
        check (``_value_problem``) passes, so most values skip it (issue 11: the schema
        check was a tenth of central's time per record); anything else takes the full check."""
        if "_quick" not in self.__dict__:
            self.__dict__["_quick"] = tuple((spec, _quick_check(spec)) for spec in self.schema())
        return self.__dict__["_quick"]

    def problem(self, data):
        """Why ``data`` is not a well-formed record of this kind, or None (no time bound)."""
        return self.check(data, None, datetime.max - timedelta(days=1))[1]


def _quick_check(spec):
    """A test that is True only for values ``_value_problem`` passes (None: no quick test)."""
    if spec.choices is not None and spec.type != "text":
        return None
    if spec.type == "uuid":
        return lambda value, latest: type(value) is str and UUID_TEXT.match(value) is not None
    if spec.type == "int":
        low, high = spec.range
        return lambda value, latest: type(value) is int and low <= value <= high
    if spec.type == "bool":
        return lambda value, latest: value is True or value is False
    if spec.type == "datetime":
        return _quick_time
    if spec.type == "date":
        return _quick_day
    if spec.type == "text":
        longest = spec.max_length or float("inf")
        if spec.choices is None:
            return lambda value, latest: type(value) is str and len(value) <= longest
        if callable(spec.choices):  # read at each record, as the full check reads them
            choices = spec.choices
            return lambda value, latest: (type(value) is str and len(value) <= longest
                                          and value in choices())
        allowed = frozenset(spec.choices)
        return lambda value, latest: (type(value) is str and len(value) <= longest
                                      and value in allowed)
    return None


def _quick_time(value, latest):
    # The form the stations send, without a zone: what _time_problem passes, no more.
    if type(value) is not str or len(value) != 26 or value[10] != "T":
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return EARLIEST <= moment <= latest


def _quick_day(value, latest):
    if type(value) is not str or len(value) != 10:
        return False
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return False
    return EARLIEST.date() <= day <= latest.date() + timedelta(days=1)


def _time_problem(value, latest):
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=None)
    except (TypeError, ValueError):
        return "not a time"
    if moment > latest:
        return "later than central's clock allows"
    if moment < EARLIEST:
        return "before 2000"
    return None


def _value_problem(spec, value, latest):
    try:
        if spec.type == "uuid":
            if not isinstance(value, str):
                return "not an id"
            uuid.UUID(value)
        elif spec.type == "datetime":
            if not isinstance(value, str):
                return "not a time"
            return _time_problem(value, latest)
        elif spec.type == "date":
            if not isinstance(value, str):
                return "not a date"
            day = date.fromisoformat(value)
            if day > latest.date() + timedelta(days=1) or day < EARLIEST.date():
                return "out of range"
        elif spec.type == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return "not a whole number"
            low, high = spec.range
            if not low <= value <= high:
                return f"out of range {low}…{high}"
        elif spec.type == "bool":
            if not isinstance(value, bool):
                return "not true or false"
        elif spec.type == "blob":
            base64.b64decode(value, validate=True)
        else:
            if not isinstance(value, str):
                return "not text"
            if spec.max_length and len(value) > spec.max_length:
                return f"longer than {spec.max_length}"
        if spec.choices is not None:
            allowed = spec.choices() if callable(spec.choices) else spec.choices
            if value not in allowed:
                return "not one of the allowed values"
    except (TypeError, ValueError, AttributeError):
        return "not a valid value"
    return None


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class ParentMissing(Exception):
    """A pulled record whose parent is not here (yet): parked, applied on a later pull."""


def apply_to_model(kind, op, data):
    """Station: upsert (or delete) a pulled record into the kind's model, by its UUID."""
    model = kind.model
    if op == "delete":
        model.delete().where(model.id == data["id"]).execute()
        return
    values = {}
    for name in kind.base_fields + tuple(kind.fields):
        model_field = model._meta.fields[name]
        key = f"{name}_id" if hasattr(model_field, "rel_model") else name
        if key in data:
            value = data[key]
            if name in kind.blob_fields and value is not None:
                value = base64.b64decode(value)
            values[model_field] = value
    update = {f: v for f, v in values.items() if f is not model.id}
    model.insert(values).on_conflict(conflict_target=[model.id], update=update).execute()
