"""Station: the sync admin page (/admin/sync) and the ``sync`` CLI group.

"Sync now" runs in a background thread (a full sync can take a while); the
page polls a fragment for its progress. The same lock as the nightly run
keeps the two from overlapping.
"""
import logging
import threading

from flask import Blueprint, current_app, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import URL, DataRequired, Length

from ..admin.auth import audit, login_required
from ..db import db
from ..htmx import redirect_to, render
from ..models import Setting
from ..storage import best_effort
from ..tiles import AdminSection, register_admin_alerts, register_admin_section
from ..version import __version__
from . import kinds, outbox, runner
from .models import SyncRun
from .protocol import SyncError

log = logging.getLogger(__name__)
bp = Blueprint("sync_admin", __name__, url_prefix="/admin/sync")


class ConnectForm(FlaskForm):
    url = StringField(_l("Central's address"), validators=[
        DataRequired(), Length(max=200), URL(require_tld=False, message=_l("Enter an address such as https://sync.example.org"))])
    station_id = StringField(_l("Station id"), validators=[DataRequired(), Length(max=40)])
    secret = StringField(_l("Secret"), validators=[DataRequired(), Length(max=100)])


def error_text(code, message):
    """What an administrator reads for each protocol error."""
    texts = {
        "unknown_station": _("Central does not know this station id. "
                             "Check the id central gave you."),
        "bad_signature": _("Central refused the secret. Enter the secret exactly as central "
                           "showed it, or ask central for a new one."),
        "clock_skew": _("This terminal's clock differs too much from central's. "
                        "Set the date and time, then sync again."),
        "replayed_nonce": _("Central saw this request before (replay). Sync again."),
        "station_disabled": _("Central has disabled this station."),
        "protocol_mismatch": _("This station and central run incompatible versions. Update the older one."),
        "unreachable": _("Central cannot be reached. Check the network; the nightly sync will try again."),
        "not_an_ack": _("Something other than central answered (a proxy or a login page?). "
                        "Nothing was marked as sent."),
        "server_error": _("Central had an error. Nothing was lost; the next sync will send it again."),
        "not_configured": _("This station is not connected to central yet."),
        "locked": _("A sync is running already."),
        "central_unproven": _("The server did not prove it is central (it does not know this "
                              "station's secret). Nothing was sent to it. Check the address."),
        "insecure_url": _("Central's address must start with https://."),
        "interrupted": _("The run was cut off (a power cut or a restart) before it finished. "
                         "Nothing was lost; the next sync sends the rest."),
        "disk_full": _("The station's disk is full: nothing was sent or received. "
                       "Free some space, then sync again."),
    }
    return texts.get(code, message or code)


def kind_names():
    """What the pages call each kind's records: the label its feature declared."""
    return {name: kind.label or name for name, kind in kinds.all_kinds().items()}


TRIGGER_NAMES = {"admin": _l("Sync now"), "nightly": _l("nightly"), "manual": _l("command line"),
                 "prompt": _l("at once, for a request to the federation")}


def progress_line(event, values):
    """One step of a run, in the administrator's language."""
    if event == "connected":
        return _("Connected to central as %(name)s.", name=values["name"])
    if event == "pushed":
        return _("Sent %(kind)s: %(n)d", kind=kind_names().get(values["kind"], values["kind"]),
                 n=values["sent"])
    if event == "pulled":
        return _("Received %(n)d change(s) from central", n=values["count"])
    return error_text(values.get("code"), values.get("message"))


def _progress(app):
    return app.extensions.setdefault("sync_progress", {"running": False, "lines": []})


def _start_background_sync(app):
    state = _progress(app)
    if state["running"]:
        return False
    state.update(running=True, lines=[])

    def work():
        try:
            with app.app_context(), runner.run_lock(app.instance_path), db.connection_context():
                runner.run_sync(__version__, trigger="admin", progress=runner.Progress(
                    on_event=lambda event, values: state["lines"].append((event, values))))
        except SyncError as exc:
            state["lines"].append(("failed", {"code": exc.code, "message": exc.message}))
        except Exception as exc:  # the thread must end with a line the chair can read
            log.exception("sync now failed")
            state["lines"].append(("failed", {"code": "internal", "message": str(exc)}))
        finally:
            state["running"] = False

    threading.Thread(target=work, name="sync-now", daemon=True).start()
    return True


def _page_context(form=None, error=None):
    if not _progress(current_app)["running"]:
        runner.close_interrupted_if_idle(current_app.instance_path)
    config = runner.configuration()
    return {
        "config": config,
        "central_name": Setting.get_value("central.name"),
        "central_enterprise": Setting.get_value("central.enterprise"),
        "form": form or ConnectForm(formdata=None, url=config[0] if config else "",
                                    station_id=config[1] if config else ""),
        "error": error,
        "runs": list(runner.recent_runs(30)),
        "backlog": outbox.count_pending(kinds.station_kinds()),
        "conflicts": list(outbox.conflicts().limit(20)),
        "kind_names": kind_names(),
        "insecure": bool(config) and config[0].startswith("http://") and runner.insecure_http(),
        "state": _progress(current_app),
        "error_text": error_text,
        "progress_line": progress_line,
        "trigger_names": TRIGGER_NAMES,
    }


@bp.get("/")
@login_required
def page():
    """Connection to central, "sync now", and every run."""
    return render("admin/sync/page.html", **_page_context())


@bp.get("/status")
@login_required
def status():
    """The run panel, polled while a sync runs."""
    return render("admin/sync/page.html", "run_panel", **_page_context())


@bp.post("/run")
@login_required
def run_now():
    """Start a sync now."""
    if runner.configuration() is None:
        flash(_("Connect this station to central first."))
    elif _start_background_sync(current_app._get_current_object()):
        with best_effort("the audit line of 'sync now'"):
            audit("sync now")
    return redirect_to(url_for("sync_admin.page"))


@bp.post("/connect")
@login_required
def connect():
    """Save central's address, the station id and the secret, after central accepts them."""
    form = ConnectForm()
    error = None
    if form.validate_on_submit():
        try:
            answer = runner.configure(form.url.data, form.station_id.data, form.secret.data,
                                      __version__)
        except SyncError as exc:
            error = error_text(exc.code, exc.message)
        else:
            audit("sync connect", form.url.data.strip(), answer["station"]["name"])
            flash(_("Connected to central as %(name)s.", name=answer["station"]["name"]))
            return redirect_to(url_for("sync_admin.page"))
    status = 422
    return render("admin/sync/page.html", "connect_form",
                  **_page_context(form=form, error=error)), status


def _alerts():
    """A failed or missing nightly sync needs the chair's attention."""
    if runner.configuration() is None:
        return []
    last = SyncRun.select().where(SyncRun.station.is_null() & SyncRun.ok.is_null(False)) \
        .order_by(SyncRun.id.desc()).first()
    if last is not None and not last.ok:
        return [(_("The last sync with central failed: %(why)s", why=error_text(last.error_code, last.error)),
                 url_for("sync_admin.page"))]
    return []


def init_app(app):
    from .cli import sync_command
    app.register_blueprint(bp)
    app.cli.add_command(sync_command)
    register_admin_section(app, AdminSection("sync_admin.page", _l("Sync"),
                                             _l("Connection to central and the nightly sync"),
                                             order=90))
    register_admin_alerts(app, _alerts)
