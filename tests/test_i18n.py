"""Every string a user sees is in the Simplified Chinese catalogue."""
import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYWORDS = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}


def source_messages():
    method_map = [("kiosk/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT, method_map, keywords=KEYWORDS,
            options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}}):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, filename)
    return found


def catalogue():
    with open(os.path.join(ROOT, "translations/zh_Hans/LC_MESSAGES/messages.po"), "rb") as fh:
        return read_po(fh)


def test_every_message_has_a_chinese_translation():
    translated = {}
    for message in catalogue():
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            text = message.string if isinstance(message.string, str) else message.string[0]
            translated[key] = text
    missing = {msg: where for msg, where in source_messages().items() if not translated.get(msg)}
    assert not missing, "untranslated (msgid: file): " + repr(missing)


def test_the_home_screen_is_chinese_by_default_and_english_on_request(client):
    assert "职工服务驿站" in client.get("/").get_data(as_text=True)
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "Worker service station" in page and "职工服务驿站" not in page
    client.get("/reset")
    assert "职工服务驿站" in client.get("/").get_data(as_text=True)


def test_an_unknown_language_changes_nothing(client):
    client.get("/lang/xx")
    assert "职工服务驿站" in client.get("/").get_data(as_text=True)
