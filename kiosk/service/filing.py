"""Filing at the kiosk: category → topic → description → contact → review → receipt.

Each step saves into the visitor's draft (``visitor.filing()``) and moves on;
going back keeps what was chosen. The idle timeout drops the draft with
everything else the person left on the terminal.
"""
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from ..htmx import redirect_to, render
from ..identify import proof_url, proven_member
from ..page_cache import cacheable_page
from ..sync import prompt
from . import bp, categories, crisis, lifecycle, queries, receipt, visitor
from .inputs import DESCRIPTION_MAX, TOPIC_MAX, PhoneError, clean_line, clean_phone, clean_text
from .models import ServiceRequest

NAMED, ANONYMOUS = "named", "anonymous"
# The answers to the warning that a phone number names an anonymous worker.
KEEP_PHONE, DROP_PHONE = "anonymous_keep_phone", "anonymous_no_phone"


def _limits():
    return current_app.extensions["service_request_limits"]


# Every kiosk screen of this feature gives the terminal its id for the rate limits.
bp.after_request(visitor.ensure_terminal_cookie)


def _category_or_404(key):
    if key not in categories.KEYS:
        abort(404)
    return categories.config(key)


def _filing_with_topic():
    data = visitor.filing()
    if data.get("category") in categories.KEYS and data.get("topic"):
        return data
    return None


@bp.get("/")
def start():
    """Six tiles, one per service, with the union's promise."""
    return render("service/categories.html", configs=categories.configs(),
                  current=visitor.filing().get("category"))


@bp.route("/new/<category>", methods=["GET", "POST"])
def topic(category):
    """A few preset topics for the chosen category."""
    config = _category_or_404(category)
    data = visitor.filing()
    error = None
    if request.method == "POST":
        choice = request.form.get("topic", "")
        topics = [str(t) for t in config.topics]
        chosen = None
        if choice == "other":
            chosen = categories.stored_topic(categories.SOMETHING_ELSE)
        elif choice in {str(n) for n in range(len(topics))}:
            # Compared as text: "²".isdigit() is True but int("²") fails, and
            # int() of 5,000 digits raises too.
            chosen = categories.stored_topic(config.topics[int(choice)])
        if chosen is None:
            error = _("Please choose one of the topics.")
        else:
            if data.get("category") != category:
                data = {}
            data.update(category=category, topic=clean_line(chosen, TOPIC_MAX))
            visitor.save_filing(data)
            return redirect_to(url_for(".describe"))
    current = data.get("topic") if data.get("category") == category else None
    response = render("service/topic.html", "step_form", config=config, current=current,
                      error=error)
    return (response, 422) if error else response


@bp.route("/describe", methods=["GET", "POST"])
def describe():
    """An optional description, typed on the on-screen keyboard."""
    data = _filing_with_topic()
    if data is None:
        return redirect_to(url_for(".start"))
    error = None
    text = data.get("description", "")
    if request.method == "POST":
        text = clean_text(request.form.get("description", ""), DESCRIPTION_MAX * 4)
        if len(text) > DESCRIPTION_MAX:
            error = _("Please keep the description under %(count)d characters.",
                      count=DESCRIPTION_MAX)
            text = text[:DESCRIPTION_MAX]
        else:
            data["description"] = text
            visitor.save_filing(data)
            return redirect_to(url_for(".contact"))
    response = render("service/describe.html", "step_form", data=data, text=text,
                      error=error, max_chars=DESCRIPTION_MAX,
                      config=categories.config(data["category"]))
    return (response, 422) if error else response


@bp.route("/contact", methods=["GET", "POST"])
def contact():
    """An optional call-back number, and: with my name, or anonymously."""
    data = _filing_with_topic()
    if data is None:
        return redirect_to(url_for(".start"))
    error = None
    phone_typed = data.get("phone") or ""
    phone_warning = False
    if request.method == "POST":
        phone_typed = request.form.get("phone", "")[:20]
        mode = request.form.get("mode")
        try:
            phone = clean_phone(phone_typed)
        except PhoneError:
            phone = None
            error = _("This does not look like a phone number. Please check it, "
                      "or clear it to leave no number.")
        confirmed = False
        if mode in (KEEP_PHONE, DROP_PHONE):
            confirmed, mode = mode == KEEP_PHONE, ANONYMOUS
            if not confirmed:
                phone, phone_typed = None, ""
        if error is None and mode not in (NAMED, ANONYMOUS):
            error = _("Please choose: with your name, or anonymously.")
        if error is None and mode == ANONYMOUS and phone and not confirmed:
            # A phone number names the worker: kept only once they have read that.
            phone_warning = True
        elif error is None:
            data.update(phone=phone, mode=mode, phone_confirmed=confirmed)
            data.pop("member_id", None)
            if mode == NAMED:
                member = proven_member()
                if member is None:
                    visitor.save_filing(data)
                    return redirect_to(proof_url(url_for(".review"), purpose="service"))
                data["member_id"] = str(member.id)
            visitor.save_filing(data)
            return redirect_to(url_for(".review"))
    response = render("service/contact.html", "step_form", data=data,
                      phone_typed=phone_typed, error=error, phone_warning=phone_warning,
                      config=categories.config(data["category"]))
    return (response, 422) if error else response


def _ready_to_submit():
    """(draft, member, redirect): the member for a named request, who must prove it is them."""
    data = _filing_with_topic()
    if data is None:
        return None, None, redirect_to(url_for(".start"))
    if data.get("mode") not in (NAMED, ANONYMOUS):
        return None, None, redirect_to(url_for(".contact"))
    if data["mode"] == ANONYMOUS and not data.get("phone_confirmed"):
        data["phone"] = None   # never kept unless the worker confirmed the warning
    member = None
    if data["mode"] == NAMED:
        # Filed under a name only by the person proven to bear it, right now.
        member = proven_member()
        if member is None:
            return None, None, redirect_to(proof_url(url_for(".review"), purpose="service"))
        if data.get("member_id") != str(member.id):
            data["member_id"] = str(member.id)
            visitor.save_filing(data)
    return data, member, None


@bp.get("/review")
def review():
    """Everything at a glance before sending, each part with a change button."""
    data, member, go = _ready_to_submit()
    if go is not None:
        return go
    return render("service/review.html", data=data, member=member,
                  config=categories.config(data["category"]))


@bp.post("/submit")
def submit():
    """Save the request, then show its receipt."""
    data, member, go = _ready_to_submit()
    if go is not None:
        return go
    # A double tap or a retry after a network blip: this draft is already filed.
    already = queries.filed_with_token(data.get("token"))
    if already is not None:
        return _show_receipt(already)
    terminal, address = visitor.terminal_keys()
    error = None
    wait = _limits().filing_wait(terminal, address)
    if wait:
        error = _("Several requests were sent from this terminal just now. "
                  "Please wait %(seconds)d seconds and try again.", seconds=wait)
    elif member is not None:
        per_day = current_app.config["SERVICE_REQUESTS_PER_MEMBER_PER_DAY"]
        if queries.filed_today_by(member, _start_of_local_day()) >= per_day:
            error = _("You have sent %(count)d requests today, the most for one day. Please "
                      "come back tomorrow, or talk to the union office in person.", count=per_day)
    if error:
        return render("service/review.html", data=data, member=member, error=error,
                      config=categories.config(data["category"])), 429
    filed = lifecycle.file_request(
        data["category"], data["topic"], data.get("description", ""),
        phone=data.get("phone"), member=member,
        origin=current_app.config["KIOSK_ROLE"], idempotency_key=data.get("token"))
    _limits().filed(terminal, address)
    if filed.handled_by == categories.CENTRAL:
        # The federation's requests (权益有侵害 by default) do not wait for the night.
        prompt.push_soon(current_app._get_current_object(), anonymous=filed.anonymous)
    return _show_receipt(filed)


def _show_receipt(filed):
    visitor.finish_filing(filed.receipt_code)
    return redirect_to(url_for(".receipt_page"))


def _start_of_local_day():
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local_midnight = datetime.combine(datetime.now(zone).date(), time(0), tzinfo=zone)
    return local_midnight.astimezone(UTC).replace(tzinfo=None)


@bp.get("/receipt")
@cacheable_page
def receipt_page():
    """The receipt code and its QR: stays until the worker says they have noted it."""
    code = visitor.receipt_code()
    filed = ServiceRequest.get_or_none(ServiceRequest.receipt_code == code) if code else None
    if filed is None:
        return redirect(url_for(".start"))
    return _render_receipt(filed, confirm=False)


@bp.post("/receipt/noted")
def noted():
    """First tap asks "really?"; the second drops the receipt and returns home."""
    code = visitor.receipt_code()
    filed = ServiceRequest.get_or_none(ServiceRequest.receipt_code == code) if code else None
    if filed is None:
        return redirect_to(url_for("home.reset"))
    if request.form.get("confirmed") != "yes":
        return _render_receipt(filed, confirm=True)
    visitor.forget_receipt()
    return redirect_to(url_for("home.reset"))


def _to_federation(filed):
    """How a request for the city federation gets there: "sent" (it is there), "soon"
    (a sync has started, or starts as soon as the station is online), "within_hour" (an
    anonymous one goes on the hour: sync/prompt.py), "sync" (this station is not
    connected to central: it goes with the sync), or None."""
    if filed.handled_by != categories.CENTRAL:
        return None
    if filed.sent_to_central_at is not None:
        return "sent"
    if not prompt.enabled(current_app):
        return "sync"
    return "within_hour" if filed.anonymous else "soon"


def _render_receipt(filed, confirm):
    seconds = current_app.config["SERVICE_RECEIPT_SECONDS"]
    public_url = current_app.config.get("KIOSK_CENTRAL_PUBLIC_URL")
    return render("service/receipt.html", "receipt_actions", filed=filed,
                  code=receipt.grouped(filed.receipt_code),
                  qr=receipt.qr_data_uri(filed.receipt_code, public_url=public_url),
                  phone_page=bool(public_url), confirm=confirm,
                  to_federation=_to_federation(filed),
                  help=crisis.contacts() if filed.crisis else None,
                  config=categories.config(filed.category),
                  idle_seconds=seconds, receipt_minutes=max(1, seconds // 60))
