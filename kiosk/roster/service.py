"""Roster writes shared by the admin pages, the CSV import and the demo data."""
from flask_babel import lazy_gettext as _l

from ..db import db
from ..models import utcnow
from .models import MemberPhoto
from .photo_processing import PhotoError, normalise_photo

PHOTO_ERRORS = {
    PhotoError.NOT_AN_IMAGE: _l("This file is not an image."),
    PhotoError.TOO_LARGE: _l("This file is too large."),
    PhotoError.TOO_MANY_PIXELS: _l("This image has too many pixels."),
}


def set_photo(member, data, config):
    """Normalise and store a member's photo in one transaction; raise PhotoError."""
    jpeg, digest = normalise_photo(data, size=config["PHOTO_SIZE"],
                                   max_bytes=config["PHOTO_MAX_BYTES"],
                                   max_pixels=config["PHOTO_MAX_PIXELS"])
    with db.atomic():
        (MemberPhoto.insert(member=member.id, jpeg=jpeg, updated_at=utcnow())
         .on_conflict(conflict_target=[MemberPhoto.member],
                      update={MemberPhoto.jpeg: jpeg, MemberPhoto.updated_at: utcnow()})
         .execute())
        member.photo_digest = digest
        member.save()
    return digest


def remove_photo(member):
    with db.atomic():
        MemberPhoto.delete().where(MemberPhoto.member == member).execute()
        member.photo_digest = None
        member.save()


def photo_error_message(error):
    return str(PHOTO_ERRORS[error.reason])
