"""What an alert says: minimal by default, in the station's language.

A message names the team and what happened, and asks the chair to log in; the
details stay at the station. A worker's name appears only when the chair turned
that on — and never for an anonymous request, whose alert carries no member at all
(and never its text: ``raise_alert`` is not even given it). Rendered when sent, in
the station's default language, whichever language the worker chose at the kiosk.
"""
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from ..roster.models import Member
from .labels import TRIGGER_SHORT

MAX_NAMES = 5


def render(trigger, params, include_names):
    """(subject, text) of an alert, in the station's default language."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = _TEXTS[trigger](params, include_names)
        subject = _("Station alert: %(what)s", what=str(TRIGGER_SHORT[trigger]))
        return subject, text


def email_body(text):
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return text + "\n\n" + _("Sent by the worker service station. Please do not reply.")


def _name(params, include_names):
    """The member's name, if the chair wants names and the alert is about a named worker."""
    if not include_names or params.get("anonymous") or not params.get("member_id"):
        return None
    member = Member.get_or_none(Member.id == params["member_id"])
    return member.name if member is not None else None


def _talk(params, names):
    name = _name(params, names)
    if name:
        return _("%(team)s: %(name)s would like to talk to the union. Please log in to the "
                 "station.", team=params["team"], name=name)
    return _("%(team)s: a worker would like to talk to the union. Please log in to the station "
             "to see who.", team=params["team"])


def _crisis(params, names):
    if params.get("anonymous"):
        return _("A worker filed an anonymous request that needs attention now (despair, or a "
                 "wish for counselling). Please log in to the station and read it.")
    name = _name(params, names)
    if name:
        return _("%(team)s: %(name)s filed a request that needs attention now (despair, or a "
                 "wish for counselling). Please log in to the station and read it.",
                 team=params["team"], name=name)
    return _("%(team)s: a worker filed a request that needs attention now (despair, or a wish "
             "for counselling). Please log in to the station and read it.", team=params["team"])


def _category(params):
    from ..service import categories
    category = categories.get(params.get("category"))
    return str(category.name) if category is not None else ""


def _urgent(params, names):
    category = _category(params)
    if params.get("anonymous"):
        return _("A worker filed an anonymous urgent request (%(category)s). Please log in to "
                 "the station.", category=category)
    name = _name(params, names)
    if name:
        return _("%(team)s: %(name)s filed an urgent request (%(category)s). Please log in to "
                 "the station.", team=params["team"], name=name, category=category)
    return _("%(team)s: a worker filed an urgent request (%(category)s). Please log in to the "
             "station.", team=params["team"], category=category)


def _team_mood(params, names):
    return _("%(team)s: %(share)d%% of today's check-ins are “a bit upset”. Please log in to "
             "the station.", team=params["team"], share=params["share"])


def _event_kind(kind):
    from ..care.labels import EVENT_LABELS, PROMISE_LABELS
    return str(EVENT_LABELS.get(kind) or PROMISE_LABELS.get(kind) or kind)


def _life_event(params, names):
    kind = _event_kind(params.get("kind", ""))
    name = _name(params, names)
    if name:
        return _("%(team)s: %(name)s told the union at the kiosk about a life event (%(kind)s). "
                 "Please log in to the station to confirm it.",
                 team=params["team"], name=name, kind=kind)
    return _("%(team)s: a worker told the union at the kiosk about a life event (%(kind)s). "
             "Please log in to the station to confirm it.", team=params["team"], kind=kind)


def _visit_overdue(params, names):
    from ..care.labels import PROMISE_LABELS
    text = ngettext("Care calendar: %(num)d greeting or visit is past its time and not done "
                    "yet. Please log in to the station.",
                    "Care calendar: %(num)d greetings or visits are past their time and not "
                    "done yet. Please log in to the station.", params["count"])
    if names:
        named = []
        for member_id, kind in params.get("items", [])[:MAX_NAMES]:
            name = _name({"member_id": member_id}, True)
            if name:
                named.append(_("%(name)s (%(what)s)", name=name,
                               what=str(PROMISE_LABELS.get(kind, kind))))
        if named:
            text += " " + _("Among them: %(names)s", names=_("; ").join(named))
    return text


def _morning_sheet(params, names):
    return _("The morning sheet for %(day)s is ready: %(upset)d a bit upset, %(talk)d would "
             "like to talk, %(requests)d urgent requests, %(care)d greetings or visits due. "
             "Please log in to the station.", day=params.get("day", ""),
             upset=params.get("upset", 0), talk=params.get("talk", 0),
             requests=params.get("requests", 0), care=params.get("care", 0))


def _test(params, names):
    return _("Test message from the station: the channel “%(name)s” works.",
             name=params.get("channel", ""))


_TEXTS = {"talk": _talk, "crisis": _crisis, "urgent": _urgent, "team_mood": _team_mood,
          "life_event": _life_event, "visit_overdue": _visit_overdue,
          "morning_sheet": _morning_sheet, "test": _test}
