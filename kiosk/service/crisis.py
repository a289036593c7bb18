"""An answer to a crisis: words of despair, the help panel, the chair's alert.

A worker who writes 不想活了 at the kiosk — anonymously, without a phone — must not
get the ordinary receipt and wait for the chair's next look at the inbox. Every
request's text is checked against the chair's list of crisis words; on a match,
and for every 心理有困惑 request, the receipt shows a calm help panel (the
psychological help hotline, the union office, what happens next), the request is
urgent and first in the inbox, and the admin home says so at once.

The keyboard offers each default word from its pinyin (kiosk/pinyin/domain_words.txt),
so that a worker can type it at all.
"""
from dataclasses import dataclass

from ..models import Setting
from . import categories

# The common ways of saying it, at most four characters each so the keyboard
# can offer every one as a single word.
DEFAULT_WORDS = ("不想活", "不想活了", "活不下去", "没法活了", "想死", "去死", "寻死", "自杀",
                 "轻生", "跳楼", "跳河", "割腕", "结束生命", "一了百了", "死了算了", "活够了")
# The national psychological assistance hotline (全国统一心理援助热线).
DEFAULT_HOTLINE = "12356"

WORDS_SETTING = "service_requests.crisis_words"
HOTLINE_SETTING = "service_requests.crisis_hotline"
OFFICE_PLACE_SETTING = "service_requests.office_place"
OFFICE_PHONE_SETTING = "service_requests.office_phone"
MAX_WORDS = 100
MAX_WORD_CHARS = 20


def words():
    value = Setting.get_value(WORDS_SETTING)
    if value is None:
        return list(DEFAULT_WORDS)
    return [w.strip() for w in value.splitlines() if w.strip()]


def matches(*texts, word_list=None):
    """The crisis words found in ``texts``, in list order."""
    found = []
    for word in words() if word_list is None else word_list:
        if any(word in (text or "") for text in texts):
            found.append(word)
    return found


def is_crisis(category_key, *texts):
    """A request in a category that always shows the help panel (心理有困惑), or any text
    with a crisis word."""
    category = categories.get(category_key)
    return bool(category and category.help_panel) or bool(matches(*texts))


@dataclass(frozen=True)
class HelpContacts:
    hotline: str
    office_place: str
    office_phone: str


def contacts():
    """What the help panel shows; the hotline falls back to the national line."""
    return HelpContacts(
        hotline=(Setting.get_value(HOTLINE_SETTING) or "").strip() or DEFAULT_HOTLINE,
        office_place=(Setting.get_value(OFFICE_PLACE_SETTING) or "").strip(),
        office_phone=(Setting.get_value(OFFICE_PHONE_SETTING) or "").strip())


def save(word_list, hotline, office_place, office_phone):
    Setting.set_value(WORDS_SETTING, "\n".join(word_list))
    Setting.set_value(HOTLINE_SETTING, hotline)
    Setting.set_value(OFFICE_PLACE_SETTING, office_place)
    Setting.set_value(OFFICE_PHONE_SETTING, office_phone)
