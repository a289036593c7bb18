"""The registry of syncable kinds: one registration attaches a feature's model to the sync.

A kind says who owns its rows (``station`` pushes them up, ``central``
publishes them down), which fields cross the wire, its parent for events,
whether the owner may change a row after sending it (``mutable``), and how a
change is noticed: by ``updated_at`` (the default) or, for kinds with derived
fields such as a team's member count, by the digest of the serialised row.
"""
import importlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Optional

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
    parent_kind: Optional[str] = None
    parent_field: Optional[str] = None       # the field (a FK or a UUID) naming the parent
    detect: str = "updated_at"               # or "digest"
    extra: Optional[Callable] = None         # row -> dict of derived fields
    rows: Optional[Callable] = None          # () -> query of the rows to consider
    target: Optional[Callable] = None        # central-owned: row -> station id, None for all
    apply: Optional[Callable] = None         # station: (op, data) for a pulled change
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


def _attach_features():
    """Register the built-in kinds, then those of the features whose models exist."""
    global _attached
    if _attached:
        return
    _attached = True
    from . import builtin_kinds, feature_kinds
    builtin_kinds.register_all(register, SyncKind)
    feature_kinds.register_all(register, SyncKind)


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
            values[model_field] = data[key]
    update = {f: v for f, v in values.items() if f is not model.id}
    model.insert(values).on_conflict(conflict_target=[model.id], update=update).execute()
