"""The words of the weather board, as the workers know them (the moods' own in ``moods``)."""
from flask_babel import lazy_gettext as _l

from .moods import MOOD_LABELS, MOODS, UPSET

FOLLOW_UP_LABELS = {
    "talk": _l("Heart-to-heart talk"),           # 谈心
    "counselling": _l("Psychological counselling"),  # 心理疏导
    "change_post": _l("Change of post"),         # 调岗
    "rest": _l("Rest"),                          # 休息
    "other": _l("Other follow-up"),              # 其他
}


def template_labels():
    return {"moods": MOODS, "upset_mood": UPSET, "mood_labels": MOOD_LABELS,
            "follow_up_labels": FOLLOW_UP_LABELS}
