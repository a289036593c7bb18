"""Cleaning the text people type or import, before it is stored.

Two shapes: a block of text (a request, a reply) keeps its line breaks; a name
(member, team, workshop) is one line. Both lose control characters and the
invisible direction controls that can make text read as something else — a
right-to-left override turns "\u202e芳王" into what looks like 王芳 on the public
photo grid. Escaping is another matter: it happens on output (Jinja's autoescape,
the CSV export's formula guard).
"""
import re
import unicodedata

# Bidi embeddings, overrides and isolates, the direction marks (LRM, RLM and the
# Arabic letter mark), and the zero-width no-break space (a stray BOM).
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_INVISIBLE = dict.fromkeys(map(ord, DIRECTION_CONTROLS + "\ufeff"))
# Characters that are nothing on screen: controls, surrogates, private use, unassigned.
_NOTHING = ("Cc", "Cs", "Co", "Cn")
# Joiners change how some scripts render (emoji, Persian); every other format character
# (zero-width space, word joiner, soft hyphen…) only hides a difference between two names.
_KEPT_FORMAT = {"\u200c", "\u200d"}
# What a name turns into one plain space: Unicode's spaces and line or paragraph
# separators, and the tab and line breaks among the control characters.
_SPACES = ("Zs", "Zl", "Zp")
_LINE_SPACES = "\t\n\v\f\r\x85"


def clean_text(value, max_chars):
    """One block of text: control characters out, line breaks kept, trimmed, cut."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    text = "".join(ch for ch in text
                   if ch == "\n" or unicodedata.category(ch) not in _NOTHING)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return text[:max_chars].rstrip()


def clean_line(value, max_chars):
    return clean_text(value, max_chars).replace("\n", " ")


def clean_name(value):
    """A name on one line: invisible and control characters out, any run of spaces
    (ideographic, no-break, tabs, line breaks) one plain space — none between two
    Chinese characters — trimmed.

    Not cut to a length: a form or an import says a name is too long rather than
    storing less than was written.
    """
    if not isinstance(value, str):
        return ""
    kept = []
    for ch in value.translate(_INVISIBLE):
        category = unicodedata.category(ch)
        if category in _SPACES or ch in _LINE_SPACES:
            kept.append(" ")    # a line break or a tab between two words still parts them
        elif category in _NOTHING or (category == "Cf" and ch not in _KEPT_FORMAT):
            continue
        else:
            kept.append(ch)
    name = re.sub(" {2,}", " ", "".join(kept)).strip()
    # Chinese has no spaces between characters: 王　芳 is 王芳 padded with an ideographic
    # space to line up with three-character names in a printed list. Between Latin
    # words (Li Qiang) the space stays.
    return _HAN_GAP.sub("", name)


# A space between two Han characters (CJK unified ideographs and their extensions,
# compatibility ideographs; 〇 too).
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_GAP = re.compile(f"(?<=[{_HAN}]) (?=[{_HAN}])")
