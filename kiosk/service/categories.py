"""The six services (工会六个帮你办) and how a station configures each.

The names and promises are the union's own words (docs/architecture.md, "What the
kiosk is for"). The chair sets, per category, who handles it (this enterprise union or
the city federation), the first-response deadline and the preset topics; defaults live
here so that a new station works before anyone has opened the settings page. Adding a
category: docs/architecture.md, "Add a seventh request category".
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

STATION = "station"
CENTRAL = "central"
HANDLERS = (STATION, CENTRAL)
DEFAULT_DEADLINE_DAYS = 3
MAX_TOPICS = 12
MAX_TOPIC_CHARS = 40


@dataclass(frozen=True)
class Category:
    key: str
    name: str            # lazy: 工作有建议 …
    promise: str         # lazy: 工会帮你上传 …
    tone: str
    always_urgent: bool
    default_handler: str
    default_topics: tuple
    help_panel: bool = False   # every request shows the crisis help panel (crisis.py)


CATEGORIES = (
    Category("suggestion", _l("Work suggestion"), _l("The union passes it up"), "blue", False,
             STATION, (_l("Safety at work"), _l("Better ways of working"), _l("Equipment and tools"),
                       _l("Canteen and dormitory"), _l("Management and fairness"))),
    Category("learning", _l("Learning wish"), _l("The union helps make it happen"), "green", False,
             STATION, (_l("Skills training"), _l("Degree or diploma"), _l("Professional title"),
                       _l("Skill competition"), _l("Books and courses"))),
    Category("hardship", _l("Hardship in life"), _l("The union helps solve it"), "amber", False,
             STATION, (_l("Family hardship"), _l("Serious illness"), _l("Children's schooling"),
                       _l("Housing"), _l("Sudden misfortune"))),
    Category("counselling", _l("Worry or stress"), _l("The union listens and counsels"), "purple", True,
             STATION, (_l("Stress at work"), _l("Family worries"), _l("Trouble sleeping"),
                       _l("Conflict with colleagues"), _l("I just want to talk")),
             help_panel=True),
    Category("pay", _l("Pay or benefits"), _l("The union argues for you"), "slate", False,
             STATION, (_l("Overtime pay"), _l("Wages paid late"), _l("Social insurance"),
                       _l("Leave and rest days"), _l("Allowances"))),
    Category("rights", _l("Rights infringed"), _l("The union defends you"), "red", True,
             CENTRAL, (_l("Labour contract"), _l("Unpaid wages"), _l("Injury at work"),
                       _l("Unfair dismissal"), _l("Harassment or bullying"))),
)
BY_KEY = {c.key: c for c in CATEGORIES}
KEYS = tuple(BY_KEY)

# Words that make a request urgent whatever its category: danger to life or limb.
DEFAULT_URGENT_WORDS = ("自杀", "轻生", "不想活", "想死", "跳楼", "工伤", "受伤", "事故",
                        "打人", "殴打", "威胁", "性骚扰", "欠薪", "拖欠工资", "危险")
URGENT_WORDS_SETTING = "service_requests.urgent_words"


def get(key):
    return BY_KEY.get(key)


# -- topics in either language ------------------------------------------------------
# A preset topic is stored in the station's language (one topic, one name: the chair's
# counts and the federation's agree whoever filed it in English) and shown in the
# screen's. The chair's own topics are stored and shown as the chair wrote them.
SOMETHING_ELSE = _l("Something else")
_known_topics = {}


class ChairTopic:
    """A topic the chair wrote in the settings, one line: "加班费", or "加班费 | Overtime
    pay" with the words for the English screens after the bar. Shown (``str``) in the
    screen's language; stored in the first form."""

    def __init__(self, line):
        stored, _bar, english = line.partition("|")
        self.line = line.strip()
        self.stored = stored.strip()
        self.english = english.strip()

    def __str__(self):
        from flask_babel import get_locale
        locale = get_locale()
        if self.english and locale is not None and locale.language == "en":
            return self.english
        return self.stored

    def __html__(self):      # Jinja escapes what __str__ gives
        from markupsafe import escape
        return str(escape(str(self)))


def _chair_topics():
    """The chair's topics with an English form, by their stored text (once a request)."""
    from flask import g
    if "service_chair_topics" not in g:
        g.service_chair_topics = {t.stored: t for config in configs() for t in config.topics
                             if isinstance(t, ChairTopic) and t.english}
    return g.service_chair_topics


def _default_topics():
    return [topic for category in CATEGORIES for topic in category.default_topics] + [SOMETHING_ELSE]


def _topic_forms():
    """Each preset topic's text in every language → the topic (a lazy string)."""
    from flask import current_app
    from flask_babel import force_locale
    languages = tuple(current_app.config["KIOSK_LANGUAGES"])
    if languages not in _known_topics:
        forms = {}
        for language in languages:
            with force_locale(language):
                forms.update({str(topic): topic for topic in _default_topics()})
        _known_topics[languages] = forms
    return _known_topics[languages]


def stored_topic(topic):
    """What to store for a chosen topic: a preset one in the station's language."""
    from flask import current_app
    from flask_babel import force_locale
    if isinstance(topic, ChairTopic):
        return topic.stored if topic.stored not in _topic_forms() else stored_topic(topic.stored)
    if not isinstance(topic, str) or topic in _topic_forms():
        known = _topic_forms().get(str(topic), topic)
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            return str(known)
    return topic


def topic_label(stored):
    """A stored topic in the screen's language; the chair's own topics as written."""
    known = _topic_forms().get(stored) or _chair_topics().get(stored)
    return str(known) if known is not None else stored


@dataclass(frozen=True)
class CategoryConfig:
    category: Category
    handled_by: str
    deadline_days: int
    topics: tuple          # str or lazy strings: the chair's own, else the defaults
    customised_topics: bool

    @property
    def key(self):
        return self.category.key


def configs():
    """Every category with the station's settings (or the defaults)."""
    from .models import CategorySetting
    saved = {row.key: row for row in CategorySetting.select()}
    return [_config(c, saved.get(c.key)) for c in CATEGORIES]


def config(key):
    from .models import CategorySetting
    category = BY_KEY[key]
    return _config(category, CategorySetting.get_or_none(CategorySetting.key == key))


def _config(category, row):
    if row is None:
        return CategoryConfig(category, category.default_handler, DEFAULT_DEADLINE_DAYS,
                              category.default_topics, False)
    topics = tuple(ChairTopic(t) for t in row.topics.splitlines() if t.strip())
    return CategoryConfig(category, row.handled_by if row.handled_by in HANDLERS
                          else category.default_handler,
                          row.deadline_days, topics or category.default_topics, bool(topics))


def deadline_days_by_key():
    return {c.key: c.deadline_days for c in configs()}


def urgent_words():
    from ..models import Setting
    value = Setting.get_value(URGENT_WORDS_SETTING)
    if value is None:
        return list(DEFAULT_URGENT_WORDS)
    return [w.strip() for w in value.splitlines() if w.strip()]


def is_urgent(category_key, *texts):
    """Distress and rights cases are urgent; so is any text with an urgent word."""
    if BY_KEY[category_key].always_urgent:
        return True
    words = urgent_words()
    return any(word in (text or "") for text in texts for word in words)
