"""The chair's forms for the service requests: the settings page, the inbox's search by
receipt code and the actions on a request. What was typed is cleaned by the fields'
filters, so a form redrawn after an error shows what will be saved."""
import functools

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from ..models import AdminUser
from . import categories, crisis, receipt
from .inputs import REPLY_MAX, clean_line, clean_text
from .models import ASSIGNED

MAX_DEADLINE_DAYS = 60
MAX_URGENT_WORDS = 100
MAX_CONTACT_CHARS = 60
MAX_WORD_CHARS = 20


def _lines(line_max):
    """A filter: the distinct non-empty lines of a text, each cleaned, one per line."""
    def clean(text):
        lines = (clean_line(line, line_max) for line in clean_text(text or "", 4000).splitlines())
        return "\n".join(dict.fromkeys(line for line in lines if line))
    return clean


def _line(text):
    return clean_line(text or "", MAX_CONTACT_CHARS)


def _strip(text):
    return (text or "").strip()


def _at_most(count, message):
    def check(form, field):
        if len(field.data.splitlines()) > count:
            raise ValidationError(message())
    return check


HANDLER_CHOICES = (SelectChoice(categories.STATION, _l("This enterprise union")),
                   SelectChoice(categories.CENTRAL, _l("City federation")))


class CategorySettingsForm(Form):
    """One category's part of the settings page; its fields are named ``<key>-<field>``."""
    handled_by = SelectField(_l("Handled by"), validate_choice=False, choices=HANDLER_CHOICES)
    deadline_days = StringField(_l("First answer within (days)"), filters=[_strip])
    topics = TextAreaField(_l("Preset topics, one per line"),
                           filters=[_lines(categories.MAX_TOPIC_CHARS)],
                           validators=[_at_most(categories.MAX_TOPICS, lambda: _(
                               "At most %(count)d topics.", count=categories.MAX_TOPICS))])

    def validate_handled_by(self, field):
        if field.data not in categories.HANDLERS:
            raise ValidationError(_("Choose who handles it."))

    def validate_deadline_days(self, field):
        text = field.data
        # isdecimal, not isdigit: "²" is a digit that int() refuses; "３" from a Chinese
        # keyboard is a decimal it reads.
        if not (0 < len(text) <= 3 and text.isdecimal() and 1 <= int(text) <= MAX_DEADLINE_DAYS):
            raise ValidationError(_("A whole number of days from 1 to %(max)d.",
                                    max=MAX_DEADLINE_DAYS))


class RequestSettingsForm(FlaskForm):
    """The settings page; ``request_settings_form`` adds one part per category."""
    urgent_words = TextAreaField(filters=[_lines(MAX_WORD_CHARS)], validators=[_at_most(
        MAX_URGENT_WORDS, lambda: _("At most %(count)d words.", count=MAX_URGENT_WORDS))])
    crisis_words = TextAreaField(filters=[_lines(MAX_WORD_CHARS)], validators=[_at_most(
        crisis.MAX_WORDS, lambda: _("At most %(count)d words.", count=crisis.MAX_WORDS))])
    crisis_hotline = StringField(_l("Psychological help hotline"), filters=[_line])
    crisis_office_place = StringField(_l("Where the union office is"), filters=[_line])
    crisis_office_phone = StringField(_l("The union office's phone"), filters=[_line])

    def validate_crisis_words(self, field):
        if not field.data:
            raise ValidationError(_("Keep at least one word: a worker in despair must be "
                                    "answered."))

    def handler_choices(self):
        """(value, label) of who may handle a category, for the page's selects."""
        return [(choice.value, str(choice.label)) for choice in HANDLER_CHOICES]

    def category_parts(self, configs):
        """(config, its part of the form) in the order of the categories."""
        return [(config, self[config.key]) for config in configs]


def request_settings_form(configs, data):
    """The settings form for the categories there are (a seventh one gets its part).

    ``data`` is what is saved now: the page shows it, and a field a POST leaves out
    keeps it (a page drawn before the crisis part existed changes nothing there).
    """
    return _settings_form_class(tuple(config.key for config in configs))(data=data)


@functools.lru_cache(maxsize=8)
def _settings_form_class(keys):
    # Once per set of categories: WTForms binds a new class's fields on its first use,
    # a third of the form's cost.
    return type("RequestSettingsForm", (RequestSettingsForm,),
                {key: FormField(CategorySettingsForm) for key in keys})


def saved_settings(configs):
    """What the settings form shows before the chair changes anything."""
    contacts = crisis.contacts()
    data = {config.key: {"handled_by": config.handled_by,
                         "deadline_days": str(config.deadline_days),
                         "topics": "\n".join(getattr(t, "line", None) or str(t)
                                             for t in config.topics)}
            for config in configs}
    data.update(urgent_words="\n".join(categories.urgent_words()),
                crisis_words="\n".join(crisis.words()), crisis_hotline=contacts.hotline,
                crisis_office_place=contacts.office_place,
                crisis_office_phone=contacts.office_phone)
    return data


class FindForm(FlaskForm):
    """The receipt code a worker reads out, however it was typed or scanned."""
    code = StringField(_l("Receipt code"), filters=[receipt.normalise])


class EventForm(FlaskForm):
    """A status change, a public reply, an internal note or an assignment. Which step is
    possible from which status is the lifecycle's rule (``lifecycle.add_event``)."""
    kind = StringField()
    text = TextAreaField(filters=[lambda text: clean_text(text or "", REPLY_MAX)])
    assignee = StringField()

    def validate_assignee(self, field):
        if self.kind.data != ASSIGNED:
            return
        staff = AdminUser.get_or_none((AdminUser.username == (field.data or "")) & AdminUser.active)
        if staff is None:
            raise ValidationError(_("Please choose a staff member."))
        self.text.data = staff.username   # an assignment's event says to whom

    def error(self):
        """The first error, to show above the forms."""
        return next((errors[0] for errors in self.errors.values()), None)
