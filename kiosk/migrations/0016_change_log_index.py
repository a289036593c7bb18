"""Central at scale: a pull reads its station's range of the change log through one index.

``/changes`` reads ``target IS NULL AND seq > cursor`` and ``target = station AND
seq > cursor``: two range reads on (target, seq), whatever the number of stations.
The old index on ``target`` alone is its prefix, so it goes. The rest serve the
retention purge (``flask central purge``, docs/capacity.md): superseded changes by
record, old ledger rows by kind and age, old conflicts and runs by age.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_index("central_change", "central_change_target"),
        migrator.add_index("central_change", ("target", "seq"), False),
        migrator.add_index("central_change", ("created_at",), False),
        migrator.add_index("central_change", ("record_id", "seq"), False),
        migrator.add_index("central_record", ("kind", "received_at"), False),
        migrator.add_index("central_conflict", ("received_at",), False),
        migrator.add_index("sync_run", ("station_id", "started_at"), False),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_index("sync_run", "sync_run_station_id_started_at"),
        migrator.drop_index("central_conflict", "central_conflict_received_at"),
        migrator.drop_index("central_record", "central_record_kind_received_at"),
        migrator.drop_index("central_change", "central_change_record_id_seq"),
        migrator.drop_index("central_change", "central_change_created_at"),
        migrator.drop_index("central_change", "central_change_target_seq"),
        migrator.add_index("central_change", ("target",), False),
    )
