"""The registry of syncable kinds: one registration attaches a feature's model to the sync.

Each feature declares its kinds in its own ``sync`` module (``register_all``).
The app factory names those modules (``kiosk.SYNC_FEATURES``, through
``declare_features``) and they are imported on first use: the sync, a base
layer, never names a feature. What a kind is lives in ``kind_spec``, which the
feature modules import (never this registry).
"""
import threading

from .kind_spec import CENTRAL, STATION, SyncKind

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
_features = ()


def declare_features(modules):
    """The modules whose ``register_all(register, SyncKind)`` declares kinds (create_app)."""
    global _features
    _features = tuple(modules)


def _attach_features():
    """Register the built-in kinds, then those of the features whose models exist.

    Once per process, under a lock: central's server threads all ask at once.
    """
    global _attached
    if _attached or not _features:
        return
    with _attach_lock:
        if _attached:
            return
        import importlib
        for module in _features:
            try:
                feature = importlib.import_module(module)
            except ImportError as exc:
                if not module.startswith(exc.name or "\0"):
                    raise
                continue  # a feature that is not installed: its rows do not sync until it is
            feature.register_all(register, SyncKind)
        _attached = True
