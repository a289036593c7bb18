"""The roster's tables: workshops (车间), teams (班组), members (会员), their photos and PINs."""
from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    fn,
)

from ..cleaning import clean_name
from ..models.base import BaseModel, SyncedModel, utcnow


class CleanName:
    """A name is cleaned on every save, whichever path wrote it (form, import, demo).

    The forms and the import clean first, to check and show what will be stored;
    this is the last line, so that no path can store a direction override.
    """

    def save(self, *args, **kwargs):
        if self.name is not None:
            self.name = clean_name(self.name)
        return super().save(*args, **kwargs)


class Workshop(CleanName, SyncedModel):
    name = CharField(max_length=60, unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)

    @classmethod
    def listed(cls):
        return cls.select().where(cls.active).order_by(cls.sort_order, cls.name)


class Team(CleanName, SyncedModel):
    workshop = ForeignKeyField(Workshop, backref="teams", on_delete="RESTRICT")
    name = CharField(max_length=60)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)

    class Meta:
        indexes = ((("workshop", "name"), True),)

    @classmethod
    def listed(cls):
        """Active teams of active workshops, in the order the chair set."""
        return (cls.select(cls, Workshop)
                .join(Workshop)
                .where(cls.active & Workshop.active)
                .order_by(Workshop.sort_order, Workshop.name, cls.sort_order, cls.name))

    @classmethod
    def by_label(cls, label):
        """Find a team from "车间/班组" or a team name that is unique."""
        if "/" in label:
            workshop, _, team = (part.strip() for part in label.partition("/"))
            return (cls.select().join(Workshop)
                    .where((Workshop.name == workshop) & (cls.name == team)).first())
        matches = list(cls.select().where(cls.name == label.strip()).limit(2))
        return matches[0] if len(matches) == 1 else None

    @property
    def label(self):
        return f"{self.workshop.name}/{self.name}"


class Member(CleanName, SyncedModel):
    staff_no = CharField(max_length=32, unique=True)
    name = CharField(max_length=40)
    team = ForeignKeyField(Team, backref="members", on_delete="RESTRICT")
    badge_code = CharField(max_length=64, null=True, unique=True)
    birthday = DateField(null=True)
    # Shown with photo and name on public boards only with the member's consent.
    photo_consent = BooleanField(default=False)
    active = BooleanField(default=True)
    # The digest of the member's photo (None: no photo): it versions the photo
    # URL for the browser cache without loading the image itself.
    photo_digest = CharField(max_length=16, null=True)

    @classmethod
    def active_members(cls):
        return cls.select().where(cls.active)

    @classmethod
    def find_by_code(cls, code):
        """An active member by staff number or badge code, or None."""
        code = (code or "").strip()
        if not code:
            return None
        return (cls.active_members()
                .where((cls.staff_no == code) | (cls.badge_code == code))
                .first())

    @classmethod
    def search(cls, text="", team=None, include_inactive=False):
        query = cls.select(cls, Team, Workshop).join(Team).join(Workshop)
        if not include_inactive:
            query = query.where(cls.active)
        if team is not None:
            query = query.where(cls.team == team)
        text = (text or "").strip()
        if text:
            like = f"%{text}%"
            query = query.where(cls.name ** like | cls.staff_no ** like
                                | (fn.COALESCE(cls.badge_code, "") ** like))
        return query.order_by(Workshop.sort_order, Team.sort_order, cls.staff_no)


class MemberPhoto(BaseModel):
    """A normalised JPEG, in the database so a power cut cannot split it from its row."""

    member = ForeignKeyField(Member, primary_key=True, backref="photo_rows",
                             on_delete="CASCADE")
    jpeg = BlobField()
    updated_at = DateTimeField(default=utcnow)


class MemberPin(BaseModel):
    """A member's personal PIN and its one-time set-up code: proof of who is at the kiosk.

    Kept at the station only (never synced): the hashes prove a person at this terminal and
    mean nothing anywhere else. The wrong-guess counter lives here, per member, so a stranger
    at another terminal (or with a fresh session) cannot reset it.
    """

    member = ForeignKeyField(Member, primary_key=True, backref="pin_rows", on_delete="CASCADE")
    pin_hash = CharField(max_length=200, null=True)
    pin_set_at = DateTimeField(null=True)
    # The set-up code printed on the chair's slip (hashed, single use, expiring).
    setup_hash = CharField(max_length=200, null=True)
    setup_expires_at = DateTimeField(null=True)
    # The first of the two PIN entries while the worker types it again.
    pending_hash = CharField(max_length=200, null=True)
    failures = IntegerField(default=0)
    wait_until = DateTimeField(null=True)
