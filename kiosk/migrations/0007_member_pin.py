"""Personal PINs and their one-time set-up codes: proof of who is at the kiosk."""
from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    # The roster's table exists (0001); this stand-in only names it for the key.
    class Member(Base):
        id = UUIDField(primary_key=True)

    class MemberPin(Base):
        member = ForeignKeyField(Member, primary_key=True, on_delete="CASCADE")
        pin_hash = CharField(max_length=200, null=True)
        pin_set_at = DateTimeField(null=True)
        setup_hash = CharField(max_length=200, null=True)
        setup_expires_at = DateTimeField(null=True)
        pending_hash = CharField(max_length=200, null=True)
        failures = IntegerField(default=0)
        wait_until = DateTimeField(null=True)

    db.create_tables([MemberPin])


def down(migrator, db):
    db.execute_sql("DROP TABLE member_pin")
