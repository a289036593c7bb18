"""Central: the station registry — register, edit, disable, new secret (shown once)."""
from flask import abort, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

from ..admin.auth import audit, login_required
from ..htmx import render
from ..sync.models import Station, SyncRun
from . import admin_bp as bp
from . import registry


class StationForm(FlaskForm):
    name = StringField(_l("Station name"), validators=[DataRequired(), Length(max=80)])
    enterprise = StringField(_l("Enterprise"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Length(max=200)])
    active = BooleanField(_l("Active (may sync)"), default=True)


class RotateSecretForm(FlaskForm):
    """The station page's second form: ``action`` is "rotate" to issue a new secret."""
    action = HiddenField()


def _stations():
    return list(Station.select().order_by(Station.enterprise, Station.name))


@bp.route("/stations", methods=["GET", "POST"])
@login_required
def stations():
    """Every station; register a new one (its secret is shown once)."""
    form = StationForm()
    issued = None
    if request.method == "POST":
        if form.validate_on_submit():
            station, secret = registry.register_station(form.name.data, form.enterprise.data,
                                                        form.address.data)
            audit("register station", station.id, station.name)
            issued = {"station": station, "secret": secret, "url": request.host_url.rstrip("/")}
            form = StationForm(formdata=None)
        else:
            return render("central/stations.html", "register_form", form=form,
                          stations=_stations(), issued=None, health=registry.health), 422
    return render("central/stations.html", form=form, stations=_stations(), issued=issued,
                  health=registry.health)


@bp.route("/stations/<uuid:station_id>", methods=["GET", "POST"])
@login_required
def station(station_id):
    """One station: edit it, issue a new secret, and its sync runs."""
    station = Station.get_or_none(Station.id == station_id) or abort(404)
    form = StationForm(obj=station)
    issued = None
    status = 200
    if request.method == "POST":
        if RotateSecretForm().action.data == "rotate":
            secret = registry.rotate_secret(station)
            audit("new station secret", station.id, station.name)
            issued = {"station": station, "secret": secret, "url": request.host_url.rstrip("/")}
        elif form.validate_on_submit():
            registry.update_station(station, form.name.data, form.enterprise.data,
                                    form.address.data or "", form.active.data)
            audit("edit station", station.id, station.name)
        else:
            status = 422
    runs = SyncRun.select().where(SyncRun.station == station).order_by(SyncRun.id.desc()).limit(50)
    return render("central/station.html", station=station, form=form, issued=issued,
                  runs=list(runs), health=registry.health,
                  saved=request.method == "POST" and status == 200 and issued is None,
                  back=url_for("central.stations")), status

