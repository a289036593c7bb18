"""The project's PDFs (posters, the chair's morning sheet, PIN slips): fpdf2 and Noto CJK.

Everything printed is real text in an embedded *subset* of the Chinese font
(``pdftotext`` reads it back, a printer gets sharp glyphs, a sheet is tens of
kilobytes) and QR codes are vector squares, so they print crisp at any size.

Why fpdf2: it embeds Debian's fonts-noto-cjk as it is installed — a TrueType
Collection (.ttc) with CFF outlines — and subsets it (the PDF gets a CID
"Type 0C" font of the glyphs used). ReportLab's TTFont takes TrueType outlines
only, so it would need another font package or a converted copy of the font.

No Flask here except ``download`` and ``init_app``: scripts and the CLI call the rest.
"""
import io
import os
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _

from . import qr
from .next_url import safe_next

A4_MM = (210, 297)
MM_PER_PT = 25.4 / 72

FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk",
             "/usr/share/fonts/google-noto-cjk", "/usr/share/fonts/truetype/noto"]
FONT_FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
SC_INDEX = 2  # the Simplified Chinese face inside Noto's collection
FAMILY = "cjk"
INSTALL_HINT = "On Debian: apt-get install fonts-noto-cjk"

INK = (29, 36, 51)
MUTED = (91, 100, 117)
RED = (200, 16, 46)
RULE = (215, 220, 229)


class CJKFontMissing(RuntimeError):
    """No Chinese font: a PDF would print boxes instead of text."""


def find_font(weight="regular"):
    """The path of Noto Sans CJK in ``weight``; raise CJKFontMissing with what to install."""
    for folder in FONT_DIRS:
        path = os.path.join(folder, FONT_FILES[weight])
        if os.path.exists(path):
            return path
    raise CJKFontMissing(f"PDFs need a Chinese font (Noto Sans CJK, {FONT_FILES[weight]}). "
                         f"{INSTALL_HINT}")


def require_fonts():
    """Raise CJKFontMissing now, before anything is done that the PDF was to show."""
    return find_font("regular"), find_font("bold")


def document(title, author="station kiosk"):
    """An A4 portrait document in mm with the CJK font as ``FAMILY`` ('' and 'B').

    Page breaks are the caller's: every layout here places its boxes itself.
    """
    regular, bold = require_fonts()
    # Imported here: fpdf2 and fontTools cost a start 150–500 ms and a kiosk that
    # never prints a PDF nothing (issue 15, second start to the first page).
    from fpdf import FPDF
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FAMILY, "", regular, collection_font_number=SC_INDEX)
    pdf.add_font(FAMILY, "B", bold, collection_font_number=SC_INDEX)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("station kiosk")
    pdf.set_creation_date(datetime.now(UTC))
    pdf.set_lang("zh-CN")
    return pdf


def font(pdf, size_mm, bold=False, colour=INK):
    """Select the CJK font by the height of its em in mm (layouts here think in mm)."""
    pdf.set_font(FAMILY, "B" if bold else "", size_mm / MM_PER_PT)
    pdf.set_text_color(*colour)


def text(pdf, x, y, content, size, width, bold=False, colour=INK, align="L"):
    """One line of em ``size`` mm with its box's top at ``y``, left-aligned from ``x`` or
    centred/right ("C"/"R") in ``width``; cut with an ellipsis to fit. Returns the y below.

    The box is 1.2 em high, so the baseline lies at 0.9 em (what ``poster.to_png`` copies).
    """
    font(pdf, size, bold, colour)
    pdf.set_xy(x, y)
    # Babel's English times ("7:00 AM") use U+202F, a space Noto CJK has no glyph for.
    content = content.replace("\u202f", " ")
    pdf.cell(w=width, h=size * 1.2, text=fit(pdf, content, width - 0.5), align=align)
    return y + size * 1.2


def wrap(content, max_width, width_of):
    """Lines of ``content`` no wider than ``max_width`` as ``width_of(text)`` measures;
    Chinese breaks between any two characters, so no word splitting is needed."""
    lines, line = [], ""
    for ch in content:
        if line and width_of(line + ch) > max_width:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


def fit(pdf, content, max_width, ellipsis="…"):
    """``content`` cut with an ellipsis so that it fits ``max_width`` on one line."""
    if pdf.get_string_width(content) <= max_width:
        return content
    while content and pdf.get_string_width(content + ellipsis) > max_width:
        content = content[:-1]
    return content + ellipsis


def qr_code(pdf, symbol, x, y, unit, logo_png=None, border=qr.QUIET_ZONE):
    """Draw ``symbol`` (a qr.Symbol) as vector squares of ``unit`` mm, its quiet zone's
    top left corner at (x, y); the whole code is ``qr_side(symbol, unit)`` mm square.

    Each row's dark runs are merged into one rectangle and the whole code is one
    filled path, so no hairline seams show between modules when rendered.
    """
    side = qr_side(symbol, unit, border)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, side, side, style="F")
    with pdf.new_path() as path:
        path.style.fill_color = "#000000"
        path.style.stroke_color = None
        for row_no, row in enumerate(symbol.modules):
            col = 0
            while col < symbol.size:
                if not row[col]:
                    col += 1
                    continue
                start = col
                while col < symbol.size and row[col]:
                    col += 1
                path.rectangle(x + (start + border) * unit, y + (row_no + border) * unit,
                               (col - start) * unit, unit)
    if logo_png is not None:
        start, width = qr.logo_plate(symbol.size)
        plate_x = x + (start + border) * unit
        plate_y = y + (start + border) * unit
        pdf.rect(plate_x, plate_y, width * unit, width * unit, style="F")
        inner = (width - 2) * unit  # one light module around the logo
        pdf.image(io.BytesIO(logo_png), x=plate_x + unit, y=plate_y + unit, w=inner, h=inner,
                  keep_aspect_ratio=True)


def qr_side(symbol, unit, border=qr.QUIET_ZONE):
    return (symbol.size + 2 * border) * unit


def to_bytes(pdf):
    return bytes(pdf.output())


def download(data, filename, no_store=True):
    """A PDF response the browser saves as ``filename``.

    ``no_store`` for anything with names or one-time codes: no cache keeps it.
    """
    response = make_response(data)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    app.register_error_handler(CJKFontMissing, _font_missing)


def _font_missing(error):
    """Say what to install instead of a 500 (the poster has its own, older handler)."""
    current_app.logger.error("PDF: %s", error)
    flash(_("The PDF cannot be made: the Chinese font is missing on this computer. "
            "Ask whoever looks after it to install fonts-noto-cjk."))
    # Back to the page whose button asked for the PDF (a POST's page is its referrer).
    back = safe_next(urlsplit(request.referrer or "").path, url_for("admin.dashboard"))
    return redirect(back, code=303)
