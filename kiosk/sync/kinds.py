"""The registry of syncable kinds: one registration attaches a feature's model to the sync.

A kind says who owns its rows (``station`` pushes them up, ``central``
publishes them down), which fields cross the wire, its parent for events,
whether the owner may change a row after sending it (``mutable``), and how a
change is noticed: by ``updated_at`` (the default) or, for kinds with derived
fields such as a team's member count, by the digest of the serialised row.
"""
import base64
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from .protocol import content_digest

STATION, CENTRAL = "station", "central"
BASE_FIELDS = ("id", "station_id", "created_at", "updated_at")


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
    # must not date it to the minute (service_requests/lifecycle.coarse).
    coarse_ack_time: bool = False
    base_fields: tuple = field(default=BASE_FIELDS)

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
        return str(uuid.UUID(str(value))) if value else None

    def digest(self, data):
        return content_digest(data)

    def problem(self, data):
        """Why ``data`` is not a well-formed record of this kind, or None.

        Checked against the model's own fields (presence, type, length, null),
        so central never stores or copies into a feature's table what the
        feature could not have written itself.
        """
        for name in self.base_fields + tuple(self.fields):
            model_field = self.model._meta.fields[name]
            key = f"{name}_id" if hasattr(model_field, "rel_model") else name
            if key not in data:
                return f"{key} is missing"
            value = data[key]
            if value is None:
                if not model_field.null and not model_field.primary_key:
                    return f"{key} may not be empty"
                continue
            why = _type_problem(model_field, value, name in self.blob_fields)
            if why:
                return f"{key}: {why}"
        return None


def _type_problem(model_field, value, is_blob):
    target = getattr(model_field, "rel_field", None) or model_field
    kind = type(target).__name__
    try:
        if kind in ("UUIDField", "BinaryUUIDField"):
            uuid.UUID(str(value))
        elif kind == "DateTimeField":
            datetime.fromisoformat(value)
        elif kind == "DateField":
            date.fromisoformat(value)
        elif kind in ("IntegerField", "BigIntegerField", "AutoField", "BigAutoField"):
            if isinstance(value, bool) or not isinstance(value, int):
                return "not a whole number"
        elif kind == "BooleanField":
            if not isinstance(value, bool):
                return "not true or false"
        elif is_blob:
            base64.b64decode(value, validate=True)
        elif kind in ("CharField", "TextField"):
            if not isinstance(value, str):
                return "not text"
            if getattr(target, "max_length", None) and len(value) > target.max_length:
                return f"longer than {target.max_length}"
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


_KINDS = {}


def register(kind):
    _KINDS[kind.name] = kind
    return kind


def get(name):
    return all_kinds().get(name)


def all_kinds():
    _attach_features()
    return dict(_KINDS)


def station_kinds():
    """Kinds the station pushes, parents before children."""
    return sorted((k for k in all_kinds().values() if k.owner == STATION),
                  key=lambda k: (k.order, k.name))


def central_kinds():
    return sorted((k for k in all_kinds().values() if k.owner == CENTRAL),
                  key=lambda k: (k.order, k.name))


_attached = False
_attach_lock = threading.Lock()


def _attach_features():
    """Register the built-in kinds, then those of the features whose models exist.

    Once per process, under a lock: central's server threads all ask at once.
    """
    global _attached
    if _attached:
        return
    with _attach_lock:
        if _attached:
            return
        from . import builtin_kinds, feature_kinds
        builtin_kinds.register_all(register, SyncKind)
        feature_kinds.register_all(register, SyncKind)
        _attached = True


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
