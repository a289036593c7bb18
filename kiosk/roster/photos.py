"""Member photos, served from the database with a long browser cache."""
from flask import abort, make_response, request, url_for

from . import bp
from .models import Member, MemberPhoto


@bp.get("/photos/<uuid:member_id>.jpg")
def photo(member_id):
    """A member's photo: public only with their consent, always to an administrator."""
    from ..admin.auth import current_admin
    member = Member.get_or_none(Member.id == member_id)
    if member is None or member.photo_digest is None:
        abort(404)
    if not (member.photo_consent or current_admin()):
        abort(404)
    if request.if_none_match.contains(member.photo_digest):
        return "", 304
    row = MemberPhoto.get_or_none(MemberPhoto.member == member)
    if row is None:
        abort(404)
    response = make_response(bytes(row.jpeg))
    response.mimetype = "image/jpeg"
    response.set_etag(member.photo_digest)
    # Page URLs carry ?v=<digest>, so a changed photo is a new URL.
    # A photo shown only because the chair is logged in stays out of the cache: the
    # terminal's browser must not keep it once the admin session ends.
    response.headers["Cache-Control"] = ("private, max-age=86400" if member.photo_consent
                                         else "private, no-store")
    return response


def photo_url(member):
    """The photo URL for a member who has one, versioned by its digest; else None."""
    if member.photo_digest is None:
        return None
    return url_for("roster.photo", member_id=member.id, v=member.photo_digest)
