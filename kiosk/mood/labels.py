"""The words of the weather board, as the workers know them (DOMAIN.md)."""
from flask_babel import lazy_gettext as _l

MOOD_LABELS = {
    "happy": _l("Very happy"),     # 很快乐 ☀
    "ok": _l("Not bad"),           # 还可以 ⛅
    "upset": _l("A bit upset"),    # 有点烦 🌧
}

FOLLOW_UP_LABELS = {
    "talk": _l("Heart-to-heart talk"),           # 谈心
    "counselling": _l("Psychological counselling"),  # 心理疏导
    "change_post": _l("Change of post"),         # 调岗
    "rest": _l("Rest"),                          # 休息
    "other": _l("Other follow-up"),              # 其他
}


def template_labels():
    return {"mood_labels": MOOD_LABELS, "follow_up_labels": FOLLOW_UP_LABELS}
