"""Central's ledger keeps one index on its kind, not two.

``central_record`` had an index on ``kind`` alone and one on ``(kind, received_at)``
(0016, for the retention purge). The second serves every read by kind as well (its
prefix), and each index is written for every record a station pushes: the one on
``kind`` alone was an eighth of the database's work per stored record (issue 11).
"""


def up(migrator, db):
    migrator.migrate(migrator.drop_index("central_record", "central_record_kind"))


def down(migrator, db):
    migrator.migrate(migrator.add_index("central_record", ("kind",), False))
