"""The chair's inbox: filter, open, answer, change status, note, assign.

A request handled elsewhere (on a station: one routed to the city federation)
is listed and counted, but its content and the worker's identity are not shown
and it cannot be changed here: the worker chose not to trust this enterprise
with it, and its owner (central) writes its events.
"""
from datetime import timedelta

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from .. import data_version
from ..admin.auth import audit, current_admin, login_required
from ..htmx import redirect_to, render
from ..models import AdminUser
from . import admin_bp as bp
from . import categories, lifecycle, queries
from .forms import EventForm, FindForm
from .models import ASSIGNED, DECLINED, INTERNAL_NOTE, PUBLIC_REPLY, STATUS_EVENTS, STATUSES, ServiceRequest


def handler():
    """Who this server is as a handler: the station itself, or central."""
    return current_app.config["KIOSK_ROLE"]


def _int_arg(name, default=1):
    try:
        return max(1, min(int(request.args.get(name, default)), 100_000))
    except (TypeError, ValueError):
        return default


@bp.post("/find")
@login_required
def find_by_code():
    """The request whose receipt code a worker reads out.

    A POST: the code is the worker's key, and a GET would put it in the URL, the
    browser history and any access log on the way.
    """
    form = FindForm()
    code = form.code.data if form.validate_on_submit() else None
    found = ServiceRequest.get_or_none(ServiceRequest.receipt_code == code) if code else None
    if found is not None:
        return redirect_to(url_for(".detail", request_id=found.id))
    flash(_("No request has this receipt code."))
    return redirect_to(url_for(".inbox"))


@bp.get("/")
@login_required
def inbox():
    """All requests, urgent open ones first; filter by category, status, overdue."""
    filters = {
        "category": request.args.get("category") if request.args.get("category") in categories.KEYS else "",
        "status": request.args.get("status") if request.args.get("status") in STATUSES + ("open",) else "",
        "overdue": request.args.get("overdue") == "1",
        "urgent": request.args.get("urgent") == "1",
        "crisis": request.args.get("crisis") == "1",
        "handled": request.args.get("handled") if request.args.get("handled") in categories.HANDLERS else "",
    }
    page = _int_arg("page")
    return render("admin/service/inbox.html", "results", page=page, filters=filters,
                  results_html=_results_html(filters, page),
                  handler=handler(), categories=categories.CATEGORIES, statuses=STATUSES)


def _results_html(filters, page):
    """One page of the inbox as HTML: its 50 rows with their labels and dates cost 10 ms
    to render, so once per data version, filters, page, language and minute (overdue
    moves with the clock)."""
    key = ("inbox_results", tuple(sorted(filters.items())), page, str(get_locale()),
           request.script_root, data_version.minute())

    def render_results():
        rows, total = queries.inbox(handler(), category=filters["category"] or None,
                                    status=filters["status"] or None,
                                    overdue=filters["overdue"], urgent=filters["urgent"],
                                    handled_by=filters["handled"] or None, page=page,
                                    crisis=filters["crisis"])
        pages = max(1, (total + queries.PAGE_SIZE - 1) // queries.PAGE_SIZE)
        return Markup(render_template(
            "admin/service/_inbox_results.html", rows=rows, total=total, page=page,
            pages=pages, filters=filters, overdue_ids=queries.overdue_ids(rows, handler()),
            handler=handler()))
    return data_version.cached(key, render_results)


def _request_or_404(request_id):
    found = ServiceRequest.get_or_none(ServiceRequest.id == request_id)
    if found is None:
        abort(404)
    return found


@bp.get("/<uuid:request_id>")
@login_required
def detail(request_id):
    """One request: what the worker wrote, its whole history, and what to do next."""
    return _render_detail(_request_or_404(request_id))


@bp.post("/<uuid:request_id>/events")
@login_required
def act(request_id):
    """Add an event: a status change, a public reply, an internal note, an assignment."""
    found = _request_or_404(request_id)
    form = EventForm()
    if not form.validate_on_submit():
        return _render_detail(found, form, error=form.error()), 422
    kind = form.kind.data
    admin = current_admin()
    try:
        found = lifecycle.add_event(found.id, kind, actor=admin.username, origin=handler(),
                                    text=form.text.data)
    except lifecycle.NotYours:
        return _render_detail(found, error=_("This request is handled by the city federation; "
                                             "it cannot be changed here.")), 422
    except lifecycle.ReasonRequired:
        return _render_detail(found, form, error=_("Please give the worker a reason for "
                                                   "declining.")), 422
    except lifecycle.TextRequired:
        return _render_detail(found, form, error=_("Please write the text first.")), 422
    except lifecycle.NotAllowed:
        return _render_detail(found, form, error=_("That step is not possible from the "
                                                   "request's current status.")), 422
    # The text stays in the request's own history; the audit log says who did what.
    audit(f"service request {kind}", short_ref(found))
    return _render_detail(found, saved=kind)


def short_ref(found):
    """A reference for the office (not the receipt code, which is the worker's key)."""
    return str(found.id)[:8].upper()


def _render_detail(found, form=None, error=None, saved=None):
    """The request's page; ``form`` is an action that failed, drawn again as it was typed."""
    ours = found.handled_by == handler()
    events = lifecycle.history(found)
    config = categories.config(found.category)
    due_at = (found.awaiting_since + timedelta(days=config.deadline_days)
              if found.awaiting_since else None)
    return render("admin/service/detail.html", "workbench", sr=found, events=events,
                  ours=ours, error=error, saved=saved, form=form or EventForm(formdata=None),
                  next_statuses=lifecycle.NEXT_STATUS.get(found.status, ()),
                  staff=list(AdminUser.select().where(AdminUser.active)
                             .order_by(AdminUser.username)),
                  overdue=queries.is_overdue(found), config=config, due_at=due_at,
                  ref=short_ref(found), status_kinds=STATUS_EVENTS, declined=DECLINED,
                  public_reply=PUBLIC_REPLY, internal_note=INTERNAL_NOTE, assigned=ASSIGNED)
