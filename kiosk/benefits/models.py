"""Benefit links (扫码享优惠): what a worker scans at the kiosk.

Ownership follows the single-writer rule (docs/architecture.md, "One owner per
record"). A link is written by one place only: ``owner`` is "station" for the
station's own links and "central"
for those the city federation sets, which arrive with the nightly sync and
are read-only here. The station's own view of a central link — hidden here,
placed here — lives in ``BenefitLinkLocal``, a table that never syncs, so the
sync may overwrite a central row at any time without losing the chair's choice.

Logos are stored by content (``BenefitLogo``: its digest, and a UUID derived
from it): the same logo arriving from central twice is one row, a row never
changes, and a link only names the digest — no conflict handling at all.
"""
import uuid

from peewee import (
    JOIN,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    fn,
)

from ..models import BaseModel, SyncedModel, utcnow

CATEGORIES = ("app", "offers", "aid", "insurance", "other")


# Logo ids are derived from their content, so the same logo has the same id
# at central and at every station: an idempotent upsert by UUID, like any row.
LOGO_NAMESPACE = uuid.UUID("6f1d7a52-3c0b-5e59-9a57-2b8e4c1d0a11")


class BenefitLogo(SyncedModel):
    digest = CharField(max_length=16, unique=True)
    png = BlobField()

    @staticmethod
    def id_for(digest):
        return uuid.uuid5(LOGO_NAMESPACE, digest)

    @classmethod
    def store(cls, png, digest):
        cls.insert(id=cls.id_for(digest), digest=digest, png=png).on_conflict_ignore().execute()
        return digest


class BenefitLink(SyncedModel):
    owner = CharField(max_length=8, default="station", index=True)
    title_zh = CharField(max_length=40)
    title_en = CharField(max_length=60, default="")
    description_zh = CharField(max_length=80, default="")
    description_en = CharField(max_length=120, default="")
    category = CharField(max_length=20, default="other")
    url = CharField(max_length=500)
    logo_digest = CharField(max_length=16, null=True)   # a BenefitLogo, by content
    logo_in_qr = BooleanField(default=False)
    sort_order = IntegerField(default=0)
    # Dates in the station's time zone, both days included; None: no limit.
    visible_from = DateField(null=True)
    visible_until = DateField(null=True)
    # Set by the owner: a withdrawn link (a station cannot hide a central link
    # this way — see BenefitLinkLocal).
    hidden = BooleanField(default=False)

    def editable_by(self, role):
        """Only the owner writes a row: the station its own, central the central ones."""
        return self.owner == role

    def title(self, lang):
        return self.title_en if lang == "en" and self.title_en else self.title_zh

    def description(self, lang):
        return self.description_en if lang == "en" and self.description_en \
            else self.description_zh

    @property
    def with_logo_in_qr(self):
        return bool(self.logo_in_qr and self.logo_digest)

    @property
    def local(self):
        """This station's BenefitLinkLocal for the link, or None."""
        if "local_row" not in self.__dict__:  # not loaded by listed()
            self.local_row = BenefitLinkLocal.get_or_none(BenefitLinkLocal.link == self.id)
        row = self.local_row
        return row if row is not None and row.link_id is not None else None

    @property
    def hidden_here(self):
        return bool(self.local and self.local.hidden)

    @property
    def position(self):
        if self.local is not None and self.local.sort_order is not None:
            return self.local.sort_order
        return self.sort_order

    def status(self, today):
        """One of: hidden, hidden_here, scheduled, expired, shown."""
        if self.hidden:
            return "hidden"
        if self.hidden_here:
            return "hidden_here"
        if self.visible_from and self.visible_from > today:
            return "scheduled"
        if self.visible_until and self.visible_until < today:
            return "expired"
        return "shown"

    @classmethod
    def listed(cls):
        """Every link with its local view, in the kiosk's order."""
        position = fn.COALESCE(BenefitLinkLocal.sort_order, cls.sort_order)
        return (cls.select(cls, BenefitLinkLocal)
                .join(BenefitLinkLocal, JOIN.LEFT_OUTER,
                      on=(BenefitLinkLocal.link == cls.id), attr="local_row")
                .order_by(position, cls.title_zh, cls.id))

    @classmethod
    def on_kiosk(cls, today, category=None):
        """The links a worker sees today."""
        query = cls.listed().where(
            ~cls.hidden
            & (BenefitLinkLocal.hidden.is_null(True) | ~BenefitLinkLocal.hidden)
            & (cls.visible_from.is_null(True) | (cls.visible_from <= today))
            & (cls.visible_until.is_null(True) | (cls.visible_until >= today)))
        if category:
            query = query.where(cls.category == category)
        return query

    def logo_png(self):
        if not self.logo_digest:
            return None
        logo = BenefitLogo.get_or_none(BenefitLogo.digest == self.logo_digest)
        return bytes(logo.png) if logo is not None else None


class BenefitLinkLocal(BaseModel):
    """This station's view of a link it does not own: never synced, never sent."""

    link = ForeignKeyField(BenefitLink, primary_key=True, on_delete="CASCADE")
    hidden = BooleanField(default=False)
    sort_order = IntegerField(null=True)
    updated_at = DateTimeField(default=utcnow)
