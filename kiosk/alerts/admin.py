"""The chair's pages: notification channels (add, edit, switch off, delete, test),
the "include names" setting, and the delivery log. Every change is audited, never
with a secret in it."""
from datetime import timedelta

from flask import abort, current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import ValidationError

from .. import data_version
from ..admin.auth import audit, login_required
from ..db import write_transaction
from ..htmx import is_htmx, redirect_to, render
from ..models import utcnow
from . import admin_bp, outbox
from . import settings as alert_settings
from .channels import SendError, Transport
from .forms import FORMS, PARAMS, mask
from .labels import ERROR_LABELS, KIND_LABELS
from .models import FAILED, PENDING, SENT, STATUSES, AlertChannel, AlertDelivery

LOG_ROWS = 200


class AlertSettingsForm(FlaskForm):
    include_names = BooleanField(_l("Name the worker in alerts (never for anonymous requests)"))
    daily_hour = StringField(_l("Daily reminders (overdue visits) at this hour"))

    def validate_daily_hour(self, field):
        text = (field.data or "").strip()
        if not (len(text) <= 2 and text.isascii() and text.isdigit() and int(text) <= 23):
            raise ValidationError(_("Enter a number from %(min)s to %(max)s.", min=0, max=23))


def _channel_or_404(channel_id):
    return AlertChannel.get_or_none(AlertChannel.id == channel_id) or abort(404)


def _transport():
    return Transport.from_config(current_app.config)


def target(channel):
    """Where a channel sends, as the chair may see it: secrets masked."""
    if channel.kind == "email":
        options = channel.options
        return f"{options.get('host', '')}:{options.get('port', '')} → " + \
            ", ".join(options.get("recipients", []))
    secret = channel.secrets.get("key") or channel.secrets.get("token") or ""
    text = mask(secret)
    if channel.kind == "dingtalk" and channel.secrets.get("sign_secret"):
        text += " · " + _("signed")
    return text


def _channels_page(settings_form=None, test_result=None, status=200):
    # Five queries a view, most of its time in peewee building them: read once per data
    # version and minute (the week of failures moves with the clock).
    channels, include_names, daily_hour, waiting, failed = data_version.cached(
        ("alert_channels_page", data_version.minute()), _read_channels_page)
    if settings_form is None:
        settings_form = AlertSettingsForm(data={"include_names": include_names,
                                                "daily_hour": str(daily_hour)})
    return render("admin/alerts/channels.html", channels=channels, form=settings_form,
                  target=target, test_result=test_result, waiting=waiting, failed=failed,
                  kinds=KIND_LABELS), status


def _read_channels_page():
    channels = tuple(AlertChannel.select().order_by(AlertChannel.name, AlertChannel.id))
    waiting = AlertDelivery.select().where((AlertDelivery.status == PENDING)
                                           & (AlertDelivery.attempts > 0)).count()
    return (channels, alert_settings.include_names(), alert_settings.daily_hour(), waiting,
            failed_this_week())


@admin_bp.get("/", endpoint="channels")
@login_required
def channels_view():
    """The notification channels, their triggers, a test button each, and the settings."""
    return _channels_page()


@admin_bp.post("/settings")
@login_required
def save_settings():
    """Names in alerts, and the hour of the daily reminders."""
    form = AlertSettingsForm()
    if not form.validate_on_submit():
        return _channels_page(settings_form=form, status=422)
    changed = alert_settings.save(names=form.include_names.data,
                                  hour=int(form.daily_hour.data.strip()))
    if changed:
        audit("alert settings", "", ", ".join(
            f"{name}={'on' if form.include_names.data else 'off'}" if name == "include_names"
            else f"{name}={form.daily_hour.data.strip()}" for name in changed))
    flash(_("Alert settings saved."))
    return redirect_to(url_for("alerts_admin.channels"))


def _apply(form, kind, channel):
    """Copy a valid form into ``channel``; a ValueError names the field that is wrong."""
    channel.name = form.name.data.strip()
    channel.enabled = form.enabled.data
    channel.triggers = ",".join(t for t in outbox.TRIGGERS if t in (form.triggers.data or []))
    secrets = dict(channel.secrets)
    if kind == "email":
        channel.options = form.options()
        if form.password.data:
            secrets["password"] = form.password.data
        if not form.username.data:
            secrets.pop("password", None)
    else:
        name = "key" if kind == "wecom" else "token"
        base = current_app.config["ALERTS_WECOM_URL" if kind == "wecom" else "ALERTS_DINGTALK_URL"]
        try:
            secrets[name] = form.key(base, PARAMS[kind], channel.secrets.get(name))
        except ValueError as exc:
            form.webhook.errors.append(str(exc))
            raise
        if kind == "dingtalk":
            if form.sign_secret_clear.data:
                secrets.pop("sign_secret", None)
            elif form.sign_secret.data:
                secrets["sign_secret"] = form.sign_secret.data.strip()
    channel.secrets = secrets


def _describe(channel):
    """For the audit log: what changed in words, never a secret."""
    return f"kind={channel.kind} enabled={channel.enabled} triggers={channel.triggers or '-'}"


def _form_page(form, kind, channel=None, status=200):
    return render("admin/alerts/channel_form.html", form=form, kind=kind, channel=channel,
                  kind_label=KIND_LABELS[kind], mask=mask,
                  base_url=current_app.config.get({"wecom": "ALERTS_WECOM_URL",
                                                   "dingtalk": "ALERTS_DINGTALK_URL"}.get(kind, ""),
                                                  "")), status


@admin_bp.route("/new/<kind>", methods=["GET", "POST"])
@login_required
def add_channel(kind):
    """Add a WeCom robot, a DingTalk robot or an e-mail channel."""
    if kind not in FORMS:
        abort(404)
    form = FORMS[kind]()
    if request.method == "GET":
        form.triggers.data = ["talk", "crisis", "urgent"]
        return _form_page(form, kind)
    if form.validate_on_submit():
        channel = AlertChannel(kind=kind, secrets={}, options={})
        try:
            _apply(form, kind, channel)
        except ValueError:
            return _form_page(form, kind, status=422)
        channel.save()
        audit("alert channel added", channel.name, _describe(channel))
        flash(_("Channel “%(name)s” added. Send a test message to check it.", name=channel.name))
        return redirect_to(url_for("alerts_admin.channels", _anchor=f"channel-{channel.id}"))
    return _form_page(form, kind, status=422)


@admin_bp.route("/<int:channel_id>/edit", methods=["GET", "POST"])
@login_required
def edit_channel(channel_id):
    """Change a channel: its name, triggers, address; switch it off or on."""
    channel = _channel_or_404(channel_id)
    form_class = FORMS[channel.kind]
    if request.method == "GET":
        data = {"name": channel.name, "enabled": channel.enabled, "triggers": channel.trigger_list}
        if channel.kind == "email":
            options = channel.options
            data.update(host=options.get("host"), port=str(options.get("port", "")),
                        security=options.get("security", "starttls"),
                        username=options.get("username"), sender=options.get("sender"),
                        recipients="\n".join(options.get("recipients", [])))
        return _form_page(form_class(data=data), channel.kind, channel)
    form = form_class()
    if form.validate_on_submit():
        try:
            _apply(form, channel.kind, channel)
        except ValueError:
            return _form_page(form, channel.kind, channel, status=422)
        with write_transaction():
            channel.save()
            outbox.channel_changed(channel)
        audit("alert channel changed", channel.name, _describe(channel))
        flash(_("Channel “%(name)s” saved.", name=channel.name))
        return redirect_to(url_for("alerts_admin.channels", _anchor=f"channel-{channel.id}"))
    return _form_page(form, channel.kind, channel, status=422)


@admin_bp.route("/<int:channel_id>/delete", methods=["GET", "POST"])
@login_required
def delete_channel(channel_id):
    """Delete a channel and its delivery log, after a confirmation."""
    channel = _channel_or_404(channel_id)
    if request.method == "GET":
        return render("admin/alerts/delete.html", channel=channel)
    name = channel.name
    with write_transaction():
        channel.delete_instance(recursive=True)
    audit("alert channel deleted", name, f"kind={channel.kind}")
    flash(_("Channel “%(name)s” deleted.", name=name))
    return redirect_to(url_for("alerts_admin.channels"))


@admin_bp.post("/<int:channel_id>/test")
@login_required
def test_channel(channel_id):
    """Send a test message now and show the server's answer."""
    channel = _channel_or_404(channel_id)
    try:
        answer = outbox.send_alert(channel, "test", {"channel": channel.name}, False, _transport())
        result = {"ok": True, "detail": answer}
    except SendError as exc:
        result = {"ok": False, "reason": ERROR_LABELS.get(exc.kind, exc.kind),
                  "detail": exc.detail}
    result["channel_id"] = channel.id
    audit("alert channel tested", channel.name,
          "ok" if result["ok"] else f"failed: {result['detail']}"[:200])
    if is_htmx():
        return render("admin/alerts/_test_result.html", result=result)
    return _channels_page(test_result=result)


@admin_bp.get("/log", endpoint="log")
@login_required
def log_view():
    """The delivery log: sent, waiting to retry, failed and why."""
    status = request.args.get("status", "")
    query = (AlertDelivery.select(AlertDelivery, AlertChannel)
             .join(AlertChannel).switch(AlertDelivery)
             .order_by(AlertDelivery.created_at.desc()).limit(LOG_ROWS))
    if status in STATUSES:
        query = query.where(AlertDelivery.status == status)
    elif status:
        abort(400)
    rows = list(query)
    alerts = {row.alert_id for row in rows}
    from .models import Alert
    by_id = {a.id: a for a in Alert.select().where(Alert.id.in_(list(alerts)))} if alerts else {}
    return render("admin/alerts/log.html", rows=rows, alerts=by_id, status=status,
                  statuses=STATUSES, preview=_preview)


def _preview(alert):
    """What the message says (names as the setting is now)."""
    from . import messages
    return messages.render(alert.trigger, alert.params, alert_settings.include_names())[1]


@admin_bp.post("/log/<uuid:delivery_id>/retry")
@login_required
def retry(delivery_id):
    """Send a pending or failed delivery again now."""
    delivery = AlertDelivery.get_or_none(AlertDelivery.id == delivery_id) or abort(404)
    if delivery.status == SENT or not outbox.retry_now(delivery):
        flash(_("This message was sent already."))
    else:
        audit("alert retried", delivery.channel.name, "")
        flash(_("It goes out again within a minute."))
    return redirect_to(url_for("alerts_admin.log"))


def failed_this_week():
    return (AlertDelivery.select().where((AlertDelivery.status == FAILED)
                                         & (AlertDelivery.created_at >= utcnow() - timedelta(days=7)))
            .count())


def admin_alerts():
    """For the admin home: messages that could not be delivered in the last week."""
    failed = failed_this_week()
    if not failed:
        return []
    return [(ngettext("Notifications: %(num)d alert could not be delivered. See the delivery log.",
                      "Notifications: %(num)d alerts could not be delivered. See the delivery log.",
                      failed), url_for("alerts_admin.log", status="failed"))]
