"""Personal PIN set-up slips, printed by the chair for one member or a whole team, and resets.

A slip carries a one-time set-up code (shown on this page once, stored hashed); the
worker types it at the kiosk and chooses their own PIN. Printing a new slip voids the
member's earlier one; a reset clears the PIN itself. Both are audited.
"""
from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from peewee import fn

from .. import pdf
from ..admin.auth import current_admin, login_required
from ..htmx import render
from ..models import utcnow
from . import admin_bp as bp
from . import pin_slips_pdf, pins
from .models import Member, Team

# Slips on one A4 sheet (two columns of four), cut apart along the dashed lines.
SLIPS_PER_SHEET = 8


def _wants_pdf():
    """The PDF button was pressed; without the font, refuse before a code is issued
    (issuing voids the member's earlier slip)."""
    if request.form.get("format") != "pdf":
        return False
    pdf.require_fonts()
    return True


def _slip(member):
    code = pins.issue_setup_code(member, current_admin().username)
    return {"member": member, "code": f"{code[:4]} {code[4:]}", "raw_code": code}


def _print_page(slips, as_pdf):
    """The slips as a print page, or as a PDF when the chair pressed the PDF button.

    The codes exist only in this response (issuing a slip voids the earlier one),
    so the PDF is not a second request for the same slips but this one's answer.
    """
    sheets = [slips[i:i + SLIPS_PER_SHEET] for i in range(0, len(slips), SLIPS_PER_SHEET)]
    valid_until = (utcnow() + timedelta(days=pins.SETUP_DAYS)).date()
    if as_pdf:
        return pdf.download(pin_slips_pdf.render(sheets, valid_until),
                            f"pin-slips-{utcnow().date().isoformat()}.pdf", no_store=True)
    response = render("admin/roster/pin_slips.html", sheets=sheets, valid_until=valid_until)
    # One-time codes: never kept by a cache or offered again from the history.
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/members/<uuid:member_id>/pin-slip")
@login_required
def member_pin_slip(member_id):
    """A set-up slip for one member (any earlier slip of theirs stops working)."""
    member = Member.get_or_none((Member.id == member_id) & Member.active) or abort(404)
    as_pdf = _wants_pdf()
    return _print_page([_slip(member)], as_pdf)


@bp.post("/teams/<uuid:team_id>/pin-slips")
@login_required
def team_pin_slips(team_id):
    """Set-up slips for every active member of a team, eight to an A4 sheet."""
    team = Team.get_or_none(Team.id == team_id) or abort(404)
    members = list(Member.active_members().where(Member.team == team)
                   .order_by(fn.LOWER(Member.staff_no)))
    if not members:
        flash(_("This team has no active members."))
        return redirect(url_for("roster_admin.teams"))
    as_pdf = _wants_pdf()
    return _print_page([_slip(member) for member in members], as_pdf)


@bp.post("/members/<uuid:member_id>/pin-reset")
@login_required
def reset_pin(member_id):
    """Clear a member's PIN (forgotten, or someone else knows it); a new slip sets the next."""
    member = Member.get_or_none(Member.id == member_id) or abort(404)
    pins.reset(member, current_admin().username)
    flash(_("The PIN of %(name)s is cleared. Print a new set-up slip for them.",
            name=member.name))
    return redirect(url_for("roster_admin.edit_member", member_id=member.id))
