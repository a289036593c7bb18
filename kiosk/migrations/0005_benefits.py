"""Benefit links (扫码享优惠), their logos by content, and each station's local view."""
import datetime
import uuid

from peewee import *


def up(migrator, db):
    class Base(Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Synced(Base):
        id = UUIDField(primary_key=True, default=uuid.uuid4)
        station_id = UUIDField(index=True)
        created_at = DateTimeField(default=datetime.datetime.utcnow)
        updated_at = DateTimeField(default=datetime.datetime.utcnow, index=True)

    class BenefitLogo(Synced):
        digest = CharField(max_length=16, unique=True)
        png = BlobField()

    class BenefitLink(Synced):
        owner = CharField(max_length=8, default="station", index=True)
        title_zh = CharField(max_length=40)
        title_en = CharField(max_length=60, default="")
        description_zh = CharField(max_length=80, default="")
        description_en = CharField(max_length=120, default="")
        category = CharField(max_length=20, default="other")
        url = CharField(max_length=500)
        logo_digest = CharField(max_length=16, null=True)
        logo_in_qr = BooleanField(default=False)
        sort_order = IntegerField(default=0)
        visible_from = DateField(null=True)
        visible_until = DateField(null=True)
        hidden = BooleanField(default=False)

    class BenefitLinkLocal(Base):
        link = ForeignKeyField(BenefitLink, primary_key=True, on_delete="CASCADE")
        hidden = BooleanField(default=False)
        sort_order = IntegerField(null=True)
        updated_at = DateTimeField(default=datetime.datetime.utcnow)

    db.create_tables([BenefitLogo, BenefitLink, BenefitLinkLocal])


def down(migrator, db):
    for table in ("benefit_link_local", "benefit_link", "benefit_logo"):
        db.execute_sql(f"DROP TABLE {table}")
