"""The names the chair reads: triggers, channel kinds, delivery states, what went wrong."""
from flask_babel import lazy_gettext as _l

# In the order the channel form lists them.
TRIGGER_LABELS = {
    "talk": _l("A worker would like to talk to the union (想找工会聊聊)"),
    "crisis": _l("A request speaks of despair or asks for counselling"),
    "team_mood": _l("A team is over the weather board's alert threshold"),
    "urgent": _l("An urgent service request"),
    "life_event": _l("A worker reports a life event at the kiosk"),
    "visit_overdue": _l("A greeting or visit is overdue (checked once a day)"),
    "morning_sheet": _l("The morning sheet is ready"),
}
# Short, for the e-mail subject and the delivery log.
TRIGGER_SHORT = {
    "talk": _l("Would like to talk"),
    "crisis": _l("Request needs attention now"),
    "team_mood": _l("Team mood alert"),
    "urgent": _l("Urgent request"),
    "life_event": _l("Life event reported"),
    "visit_overdue": _l("Care visit overdue"),
    "morning_sheet": _l("Morning sheet"),
    "test": _l("Test message"),
}
KIND_LABELS = {
    "wecom": _l("WeCom group robot (企业微信)"),
    "dingtalk": _l("DingTalk robot (钉钉)"),
    "email": _l("E-mail (SMTP)"),
}
STATUS_LABELS = {
    "pending": _l("Waiting to retry"),
    "sending": _l("Sending"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}
ERROR_LABELS = {
    "unreachable": _l("Could not reach the server (no network, or a wrong address)."),
    "timeout": _l("The server did not answer in time."),
    "tls": _l("The secure connection failed (the certificate could not be checked)."),
    "http": _l("The server answered with an error."),
    "answer": _l("The server's answer was not what a robot answers."),
    "refused": _l("The server refused the message (check the key, the keyword or the signing secret)."),
    "login": _l("The mail server refused the user name or password."),
    "smtp": _l("The mail server refused the e-mail."),
    "config": _l("The channel is not fully set up."),
    "disabled": _l("The channel was switched off before it was sent."),
    "internal": _l("The station could not send it (a fault in the station's software: see its log)."),
}
SECURITY_LABELS = {
    "starttls": _l("STARTTLS (usually port 587)"),
    "ssl": _l("SSL/TLS (usually port 465)"),
}


def template_labels():
    return {"trigger_labels": TRIGGER_LABELS, "trigger_short": TRIGGER_SHORT,
            "kind_labels": KIND_LABELS, "delivery_status_labels": STATUS_LABELS,
            "error_labels": ERROR_LABELS, "security_labels": SECURITY_LABELS}
