"""The chair's roster pages: workshops, teams and members (search, add, edit, deactivate)."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileField
from markupsafe import Markup
from peewee import IntegrityError, fn
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from .. import data_version
from ..admin.auth import audit, login_required, upload_too_large
from ..cleaning import clean_name
from ..db import db
from ..htmx import render
from . import admin_bp as bp
from . import pins
from .models import Member, Team, Workshop
from .photo_processing import PhotoError
from .service import photo_error_message, set_photo

PAGE_SIZE = 50
# Where this visitor's CSRF token goes into a list rendered once for everyone.
CSRF_PLACEHOLDER = "\x00csrf\x00"

# An upload over the limit (a photo here, a CSV or a zip in import_views) gets the page
# again with a friendly word, not the bare 413.
bp.register_error_handler(RequestEntityTooLarge, upload_too_large)


class WorkshopForm(FlaskForm):
    name = StringField(_l("Workshop name"), filters=[clean_name],
                       validators=[DataRequired(), Length(max=60)])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional()])


class TeamForm(FlaskForm):
    workshop = SelectField(_l("Workshop"), validators=[DataRequired()])
    name = StringField(_l("Team name"), filters=[clean_name],
                       validators=[DataRequired(), Length(max=60)])
    sort_order = IntegerField(_l("Order"), default=0, validators=[Optional()])


class MemberForm(FlaskForm):
    staff_no = StringField(_l("Staff number"), validators=[
        DataRequired(), Length(max=32),
        Regexp(r"^[0-9A-Za-z-]+$", message=_l("Use digits, letters and '-' only."))])
    # Cleaned before it is checked: a name of invisible characters only is an empty name.
    name = StringField(_l("Name"), filters=[clean_name],
                       validators=[DataRequired(), Length(max=40)])
    team = SelectField(_l("Team"), validators=[DataRequired()])
    badge_code = StringField(_l("Badge code"), validators=[Optional(), Length(max=64)])
    birthday = DateField(_l("Birthday"), validators=[Optional()])
    photo_consent = BooleanField(_l("Agrees to show photo and name on public boards"))
    photo = FileField(_l("Photo"))


def _team_choices():
    return data_version.cached(("roster_team_choices",),
                               lambda: [(str(t.id), t.label) for t in Team.listed()])


def _workshop_choices():
    return data_version.cached(("roster_workshop_choices",),
                               lambda: [(str(w.id), w.name) for w in Workshop.listed()])


def _with_csrf(html):
    return Markup(html.replace(CSRF_PLACEHOLDER, generate_csrf()))


@bp.route("/teams", methods=["GET", "POST"])
@login_required
def teams():
    """Workshops and their teams; add either."""
    workshop_form = WorkshopForm(prefix="w")
    team_form = TeamForm(prefix="t")
    team_form.workshop.choices = _workshop_choices()
    if request.method == "POST":
        if request.form.get("kind") == "workshop" and workshop_form.validate_on_submit():
            try:
                with db.atomic():
                    workshop = Workshop.create(name=workshop_form.name.data.strip(),
                                               sort_order=workshop_form.sort_order.data or 0)
                audit("add workshop", workshop.name)
                flash(_("Workshop %(name)s added.", name=workshop.name))
                return redirect(url_for("roster_admin.teams"))
            except IntegrityError:
                workshop_form.name.errors.append(_("A workshop with this name exists already."))
        elif request.form.get("kind") == "team" and team_form.validate_on_submit():
            try:
                with db.atomic():
                    team = Team.create(workshop=team_form.workshop.data,
                                       name=team_form.name.data.strip(),
                                       sort_order=team_form.sort_order.data or 0)
                audit("add team", team.label)
                flash(_("Team %(name)s added.", name=team.label))
                return redirect(url_for("roster_admin.teams"))
            except IntegrityError:
                team_form.name.errors.append(_("This workshop has a team with this name already."))
    return render("admin/roster/teams.html", teams_html=_teams_html(),
                  workshop_form=workshop_form, team_form=team_form)


def _teams_html():
    """Every workshop with its teams, counts and buttons, as HTML: rendered once per data
    version and language (two forms per team cost 5 ms a request at 1,000 members)."""
    key = ("roster_teams", str(get_locale()), request.script_root)

    def render_teams():
        workshops = list(Workshop.select().order_by(Workshop.sort_order, Workshop.name))
        teams = {}
        for team in Team.select().order_by(Team.sort_order, Team.name):
            teams.setdefault(team.workshop_id, []).append(team)
        return render_template("admin/roster/_teams_list.html", workshops=workshops,
                               teams=teams, counts=_member_counts(),
                               csrf_placeholder=Markup(CSRF_PLACEHOLDER))
    return _with_csrf(data_version.cached(key, render_teams))


def _member_counts():
    query = (Member.select(Member.team, fn.COUNT(Member.id))
             .where(Member.active).group_by(Member.team).tuples())
    return {str(team_id): count for team_id, count in query}


@bp.post("/teams/<uuid:team_id>/active")
@login_required
def toggle_team(team_id):
    """Hide a team from the kiosk, or show it again."""
    team = Team.get_or_none(Team.id == team_id) or abort(404)
    team.active = request.form.get("active") == "1"
    team.save()
    audit("show team" if team.active else "hide team", team.label)
    return redirect(url_for("roster_admin.teams"))


@bp.get("/members")
@login_required
def members():
    """Search the members, page by page."""
    text = request.args.get("q", "").strip()[:40]
    show_inactive = request.args.get("inactive") == "1"
    # Clamped: SQLite's OFFSET is a 64-bit integer, and ?page=10**23 must not be a 500.
    page = min(max(request.args.get("page", 1, type=int), 1), 100_000)
    return render("admin/roster/members.html", "results", q=text, show_inactive=show_inactive,
                  results_html=_members_html(text, show_inactive, page))


def _members_html(text, show_inactive, page):
    """One page of the search as HTML: its 50 rows (a link, a photo URL, a form and Babel's
    words each) cost 10 ms a request, so once per data version, search, page and language;
    this visitor's CSRF token goes in after."""
    key = ("roster_members", text, show_inactive, page, str(get_locale()), request.script_root)

    def render_results():
        query = Member.search(text, include_inactive=show_inactive)
        total = query.count()
        return render_template("admin/roster/_members_results.html",
                               members=list(query.paginate(page, PAGE_SIZE)), q=text,
                               show_inactive=show_inactive, page=page, total=total,
                               pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
                               csrf_placeholder=Markup(CSRF_PLACEHOLDER))
    return _with_csrf(data_version.cached(key, render_results))


@bp.route("/members/new", methods=["GET", "POST"])
@login_required
def add_member():
    """Add a member."""
    return _edit_member(Member())


@bp.route("/members/<uuid:member_id>", methods=["GET", "POST"])
@login_required
def edit_member(member_id):
    """Edit a member: details, photo and consent."""
    member = Member.get_or_none(Member.id == member_id) or abort(404)
    return _edit_member(member)


def _edit_member(member):
    is_new = member.staff_no is None
    form = MemberForm(obj=None if is_new else member,
                      data=None if is_new or request.method == "POST"
                      else {"team": str(member.team_id)})
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        member.staff_no = form.staff_no.data.strip()
        member.name = form.name.data.strip()
        member.team = form.team.data
        member.badge_code = (form.badge_code.data or "").strip() or None
        member.birthday = form.birthday.data
        member.photo_consent = form.photo_consent.data
        upload = form.photo.data
        try:
            with db.atomic():
                member.save(force_insert=is_new)
                if upload and upload.filename:
                    set_photo(member, upload.read(), current_app.config)
        except IntegrityError:
            clash = (Member.select().where((Member.staff_no == member.staff_no)
                                           & (Member.id != member.id)).exists())
            field = form.staff_no if clash else form.badge_code
            field.errors.append(_("Another member has this staff number already.") if clash
                                else _("Another member has this badge code already."))
        except PhotoError as error:
            form.photo.errors.append(photo_error_message(error))
        else:
            audit("add member" if is_new else "edit member", member.staff_no)
            flash(_("Saved %(name)s.", name=member.name))
            return redirect(url_for("roster_admin.members", q=member.staff_no))
    return render("admin/roster/member_form.html", form=form, member=member, is_new=is_new,
                  pin_set=not is_new and pins.has_pin(member))


@bp.post("/members/<uuid:member_id>/active")
@login_required
def toggle_member(member_id):
    """Deactivate a member (never deleted: their history stays), or reactivate."""
    member = Member.get_or_none(Member.id == member_id) or abort(404)
    member.active = request.form.get("active") == "1"
    member.save()
    audit("reactivate member" if member.active else "deactivate member", member.staff_no)
    flash(_("%(name)s is active again.", name=member.name) if member.active
          else _("%(name)s is deactivated; their history is kept.", name=member.name))
    return redirect(request.referrer or url_for("roster_admin.members"))
