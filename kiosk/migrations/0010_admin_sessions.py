"""Admin sessions that end: a per-administrator session generation.

Each admin session carries the generation it was opened under; logout, a new
password and deactivation bump it, so a copied session cookie stops working.
"""
from peewee import IntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("admin_user", "session_generation", IntegerField(default=0)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("admin_user", "session_generation"))
