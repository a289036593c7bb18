"""The channel forms: what the chair types, checked, with friendly errors in their language.

Secrets (a webhook's key, DingTalk's signing secret, the mail password) are never put
back into a form: on an edit the field is empty, and empty keeps what is stored.
"""
import re
from urllib.parse import parse_qs, urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .labels import SECURITY_LABELS, TRIGGER_LABELS

KEY = re.compile(r"^[A-Za-z0-9_-]{8,128}$")
SIGN_SECRET = re.compile(r"^[\x21-\x7e]{8,128}$")
LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
HOST = re.compile(rf"^(?=.{{1,253}}$){LABEL}(\.{LABEL})*$")
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")
PRINTABLE = re.compile(r"^[^\x00-\x1f\x7f]*$")
# Mail logins go over the wire in ASCII (smtplib refuses anything else).
ASCII_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")
MAX_RECIPIENTS = 10


class TriggerChoices(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ChannelForm(FlaskForm):
    name = StringField(_l("Name (for you, e.g. 工会干部群)"), validators=[
        DataRequired(message=_l("Please give the channel a name.")), Length(max=40)])
    enabled = BooleanField(_l("Switched on"), default=True)
    triggers = TriggerChoices(_l("Send an alert when"), validate_choice=False,
                              choices=[SelectChoice(k, v) for k, v in TRIGGER_LABELS.items()])

    def validate_triggers(self, field):
        if any(value not in TRIGGER_LABELS for value in field.data or []):
            raise ValidationError(_("Please choose from the list."))

    def validate_name(self, field):
        if not PRINTABLE.fullmatch(field.data or ""):
            raise ValidationError(_("Please use letters, digits and punctuation only."))


class WebhookForm(ChannelForm):
    webhook = StringField(_l("Webhook address (from the robot's settings)"),
                          validators=[Length(max=400)])

    def key(self, base_url, param, stored):
        """The key or token in the pasted address (or the bare key); the stored one if
        the field was left empty on an edit. Raises ValueError with what to fix."""
        return parse_webhook(self.webhook.data, base_url, param, stored)


class WeComForm(WebhookForm):
    pass


class DingTalkForm(WebhookForm):
    sign_secret = PasswordField(_l("Signing secret (加签, begins with SEC)"),
                                validators=[Length(max=128)])
    sign_secret_clear = BooleanField(_l("No signing secret (the robot uses keywords or an IP list)"))

    def validate_sign_secret(self, field):
        if field.data and not SIGN_SECRET.fullmatch(field.data.strip()):
            raise ValidationError(_("The signing secret is the text beginning with SEC shown in the "
                               "robot's security settings."))


class EmailForm(ChannelForm):
    host = StringField(_l("Mail server (SMTP)"), validators=[
        DataRequired(message=_l("Please enter the mail server's name.")), Length(max=253)])
    port = StringField(_l("Port"), validators=[DataRequired(message=_l("Please enter the port."))])
    security = RadioField(_l("Encryption"), default="starttls",
                          choices=[SelectChoice(k, v) for k, v in SECURITY_LABELS.items()],
                          validators=[DataRequired(message=_l("Please choose the encryption."))])
    username = StringField(_l("Login name (often the sender's address)"),
                           validators=[Optional(), Length(max=100)])
    password = PasswordField(_l("Password or authorisation code"), validators=[Length(max=200)])
    sender = StringField(_l("From (sender's address)"), validators=[
        DataRequired(message=_l("Please enter the sender's address.")), Length(max=200)])
    recipients = TextAreaField(_l("To (one address per line, at most 10)"), validators=[
        DataRequired(message=_l("Please enter at least one address.")), Length(max=2000)])

    def validate_host(self, field):
        if not HOST.fullmatch((field.data or "").strip()):
            raise ValidationError(_("Please enter a server name like smtp.example.com."))

    def validate_port(self, field):
        text = (field.data or "").strip()
        if not (len(text) <= 5 and text.isascii() and text.isdigit() and 1 <= int(text) <= 65535):
            raise ValidationError(_("The port is a number from 1 to 65535 (usually 465 or 587)."))

    def validate_sender(self, field):
        if not ADDRESS.fullmatch((field.data or "").strip()):
            raise ValidationError(_("Please enter an e-mail address like union@example.com."))

    def validate_recipients(self, field):
        found = self.recipient_list()
        if not found or len(found) > MAX_RECIPIENTS or not all(ADDRESS.fullmatch(a) for a in found):
            raise ValidationError(_("Please enter one to 10 e-mail addresses, one per line."))

    def validate_username(self, field):
        if not ASCII_PRINTABLE.fullmatch(field.data or ""):
            raise ValidationError(_("Mail servers take only Latin letters, digits and punctuation "
                               "here."))

    def validate_password(self, field):
        if not ASCII_PRINTABLE.fullmatch(field.data or ""):
            raise ValidationError(_("Mail servers take only Latin letters, digits and punctuation "
                               "here."))

    def recipient_list(self):
        text = (self.recipients.data or "").replace(",", "\n").replace(";", "\n")
        return list(dict.fromkeys(a.strip() for a in text.splitlines() if a.strip()))

    def options(self):
        return {"host": self.host.data.strip(), "port": int(self.port.data.strip()),
                "security": self.security.data, "username": (self.username.data or "").strip(),
                "sender": self.sender.data.strip(), "recipients": self.recipient_list()}


FORMS = {"wecom": WeComForm, "dingtalk": DingTalkForm, "email": EmailForm}
PARAMS = {"wecom": "key", "dingtalk": "access_token"}


def parse_webhook(text, base_url, param, stored=None):
    text = (text or "").strip()
    if not text:
        if stored:
            return stored
        raise ValueError(_("Please paste the robot's webhook address."))
    if KEY.fullmatch(text):
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValueError(_("The webhook address begins with %(base)s", base=base_url))
    base = urlsplit(base_url)
    if ((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"))
            != (base.scheme, base.netloc.lower(), base.path.rstrip("/"))):
        raise ValueError(_("This is not the robot's webhook address: it begins with %(base)s",
                           base=base_url))
    values = parse_qs(parts.query).get(param) or [""]
    if not KEY.fullmatch(values[0]):
        raise ValueError(_("The address has no valid %(param)s= part: please copy it whole.",
                           param=param))
    return values[0]


def mask(secret):
    """Enough of a secret to recognise it, never enough to use it."""
    if not secret:
        return ""
    return "••••" + (secret[-4:] if len(secret) >= 12 else "")
