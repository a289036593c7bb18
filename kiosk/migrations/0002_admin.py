"""Administrator accounts and the audit log."""
import datetime

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class AdminUser(Base):
        id = AutoField()
        username = CharField(max_length=40, unique=True)
        display_name = CharField(max_length=40, default="")
        password_hash = CharField(max_length=200)
        active = BooleanField(default=True)
        failed_logins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        last_login_at = DateTimeField(null=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)

    class AuditLog(Base):
        id = AutoField()
        at = DateTimeField(default=datetime.datetime.utcnow, index=True)
        actor = CharField(max_length=40)
        action = CharField(max_length=60)
        target = CharField(max_length=100, default="")
        detail = TextField(default="")

    db.create_tables([AdminUser, AuditLog])


def down(migrator, db):
    db.execute_sql("DROP TABLE audit_log")
    db.execute_sql("DROP TABLE admin_user")
