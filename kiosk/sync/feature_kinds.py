"""Kinds of the features built beside the sync, attached when their models exist.

Each block imports a feature's models; a feature that is not installed (or not
yet written) is skipped, and its rows simply do not sync until it is.
"""


def register_all(register, SyncKind):
    pass
