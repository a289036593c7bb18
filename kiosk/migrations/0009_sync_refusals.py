"""The sync: a station keeps central's reason for each record it refused (shown on 同步)."""
from peewee import CharField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("sync_state", "reason", CharField(max_length=200, default="")))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("sync_state", "reason"))
