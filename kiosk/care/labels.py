"""The promises' and visit methods' names, as the chair reads them."""
from flask_babel import lazy_gettext as _l

PROMISE_LABELS = {
    "birthday": _l("Birthday greeting"),        # 生日必贺
    "wedding": _l("Wedding congratulations"),   # 结婚必贺
    "birth": _l("Birth congratulations"),       # 生育必贺
    "hospital": _l("Hospital visit"),           # 住院必访
    "retirement": _l("Retirement visit"),       # 退休必访
    "hardship": _l("Hardship visit"),           # 困难必访
}
EVENT_LABELS = {
    "wedding": _l("Wedding"),
    "birth": _l("Birth of a child"),
    "hospital": _l("Hospital stay"),
    "retirement": _l("Retirement"),
    "hardship": _l("Family hardship or misfortune"),
}
METHOD_LABELS = {
    "home": _l("Home visit"),        # 上门
    "hospital": _l("At the hospital"),  # 医院
    "phone": _l("By phone"),         # 电话
    "activity": _l("At an event"),   # 活动
}
STATUS_LABELS = {
    "in_time": _l("Kept in time"),
    "late": _l("Kept late"),
    "overdue": _l("Past due"),
    "due": _l("Due"),
    "coming": _l("Coming up"),
}


def template_labels():
    return {"promise_labels": PROMISE_LABELS, "event_labels": EVENT_LABELS,
            "method_labels": METHOD_LABELS, "status_labels": STATUS_LABELS}
