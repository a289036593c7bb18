"""The on-screen keyboard's Chinese input: whole-word pinyin candidates as JSON.

static/js/keyboard.js asks ``/keyboard/candidates?q=shenghuo`` and gets
``{"q": "shenghuo", "candidates": [{"w": "生活", "n": 8}, …]}`` where ``n`` is how
many letters of ``q`` the word uses. The answer depends only on ``q`` and the
shipped word list, so it carries an ETag and may be cached for a day.
"""
import hashlib

import click
from flask import Blueprint, current_app, jsonify, request

from . import dictionary

bp = Blueprint("keyboard", __name__, url_prefix="/keyboard")
MAX_CANDIDATES = 60


def init_app(app):
    if "keyboard" in app.blueprints:
        return
    app.register_blueprint(bp)
    app.cli.add_command(build_words_command)


@bp.get("/candidates")
def candidates():
    """Words for the letters typed so far, best first."""
    words = dictionary.shared()
    query = dictionary.normalise(request.args.get("q", ""))
    etag = hashlib.sha256(f"{words.version}:{query}".encode()).hexdigest()[:24]
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
    else:
        found = words.candidates(query, limit=MAX_CANDIDATES)
        response = jsonify(q=query, candidates=[{"w": c.word, "n": c.consumed} for c in found])
    response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


@click.command("keyboard-words")
@click.option("--words", default=None, type=int, help="How many words of 2–4 characters to keep.")
def build_words_command(words):
    """Rebuild the keyboard's word list (kiosk/pinyin/words.tsv.gz) from jieba and pypinyin."""
    from . import build, index
    rows = build.build_rows(multi_char_words=words or build.MULTI_CHAR_WORDS)
    build.write_rows(rows)
    index.ensure()
    click.echo(f"Wrote {len(rows)} words to {build.WORDS_FILE} and its index {index.INDEX_FILE}")
