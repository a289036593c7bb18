"""A4 posters of benefit QR codes for the canteen wall: laid out once in mm, drawn twice.

Each sheet holds up to four codes with their titles and a short instruction in
Chinese (the wall is read by the station's workers). ``layout`` places every
box in millimetres; ``to_pdf`` draws that as a vector PDF (text in the embedded
font subset, codes as vector squares: what the chair prints), ``to_png`` draws
the same boxes at 200 dpi with Pillow (the preview, and an image to share).
All codes on a sheet are one size, whatever their version: a wall of
uneven squares looks careless and the smallest would set the reading distance.
No Flask here.
"""
import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .. import pdf, qr

PNG_DPI = 200
PER_SHEET = 4
WIDTH, HEIGHT = pdf.A4_MM
BAND = 46        # the red band at the top
FOOTER = 34      # the instructions and the date at the bottom
MARGIN = 10
MAX_CODE = 150   # one code alone: larger is no easier to scan
# Text heights in mm (title, description, link) by codes on the sheet: 1, 2, 3-4.
TEXT_MM = {1: (11, 6, 4.4), 2: (7.5, 4.6, 3.8), 3: (6.5, 4.4, 3.6)}
# Baseline of a one-line box of em ``size``: the same in both drawings (``pdf.text``).
BASELINE = 0.9
WHITE = (255, 255, 255)

HEADLINE = "扫码享优惠"
SUBTITLE = "职工服务驿站 · 工会为您准备的福利链接"
INSTRUCTIONS = ("用手机相机或微信“扫一扫”对准二维码，即可打开。",
                "扫码不收费；如有疑问，请联系本单位工会。")


@dataclass(frozen=True)
class PosterItem:
    title: str
    description: str
    url: str
    short_url: str
    logo_in_qr: bytes = None   # PNG bytes, or None


@dataclass(frozen=True)
class Text:
    x: float          # left edge of the line's box; centred texts are centred in width
    y: float          # top of the line's box
    width: float
    content: str
    size: float       # em height in mm
    bold: bool = False
    colour: tuple = pdf.INK
    align: str = "C"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    colour: tuple


@dataclass(frozen=True)
class Code:
    x: float          # the quiet zone's top left corner
    y: float
    unit: float       # one module, mm
    symbol: qr.Symbol
    logo: bytes = None


def sheets_needed(count):
    return max((count + PER_SHEET - 1) // PER_SHEET, 1)


@lru_cache(maxsize=4)
def _measuring_font(bold):
    return ImageFont.truetype(pdf.find_font("bold" if bold else "regular"), 1000,
                              index=pdf.SC_INDEX)


def text_width(content, size, bold=False):
    """The width in mm of ``content`` at em ``size`` mm (the font's own advances)."""
    return _measuring_font(bold).getlength(content) / 1000 * size


def _wrap(content, size, bold, max_width):
    return pdf.wrap(content, max_width, lambda text: text_width(text, size, bold))


def layout(items, printed_on):
    """The sheets for ``items`` (PosterItem), in order: each a list of Text/Box/Code."""
    pdf.require_fonts()  # fail before laying out anything
    chunks = [items[i:i + PER_SHEET] for i in range(0, len(items), PER_SHEET)] or [[]]
    return [_sheet(chunk, n + 1, len(chunks), printed_on) for n, chunk in enumerate(chunks)]


def _sheet(items, number, total, printed_on):
    elements = [Box(0, 0, WIDTH, BAND, pdf.RED),
                Text(0, 8, WIDTH, HEADLINE, 17, bold=True, colour=WHITE),
                Text(0, 31, WIDTH, SUBTITLE, 6, colour=WHITE)]
    body = (MARGIN, BAND + 8, WIDTH - MARGIN, HEIGHT - FOOTER)
    cells = _cells(len(items), body)
    text_mm = TEXT_MM[min(max(len(items), 1), 3)]
    title_mm, desc_mm, url_mm = text_mm
    text_h = 2 * title_mm + desc_mm + url_mm + 8
    side = min([min(right - left - 8, bottom - top - text_h - 6, MAX_CODE)
                for left, top, right, bottom in cells] or [0])
    symbols = [qr.encode(item.url, with_logo=item.logo_in_qr is not None) for item in items]
    # The dark squares are one size; the fewest modules get the widest quiet zone,
    # so that code sets how large the squares may be within ``side``.
    fewest = min([s.size for s in symbols] or [1])
    dark_side = side * fewest / (fewest + 2 * qr.QUIET_ZONE)
    for item, symbol, cell in zip(items, symbols, cells, strict=True):
        elements += _item(item, symbol, cell, side, dark_side, text_mm, text_h)

    y = HEIGHT - FOOTER + 4
    elements.append(Box(MARGIN, y - 2.4, WIDTH - 2 * MARGIN, 0.4, pdf.RULE))
    for line in INSTRUCTIONS:
        elements.append(Text(0, y, WIDTH, line, 5))
        y += 8
    note = f"打印日期 {printed_on:%Y-%m-%d}" + (f" · 第 {number}/{total} 页" if total > 1 else "")
    elements.append(Text(0, HEIGHT - 9, WIDTH, note, 3.6, colour=pdf.MUTED))
    return elements


def _cells(count, body):
    left, top, right, bottom = body
    if count <= 1:
        return [body]
    if count == 2:  # side by side: each code as wide as a half sheet allows
        mid = (left + right) / 2
        return [(left, top, mid, bottom), (mid, top, right, bottom)]
    midx, midy = (left + right) / 2, (top + bottom) / 2
    if count == 3:  # the third centred below the first two
        return [(left, top, midx, midy), (midx, top, right, midy), (left, midy, right, bottom)]
    return [(left, top, midx, midy), (midx, top, right, midy),
            (left, midy, midx, bottom), (midx, midy, right, bottom)]


def _item(item, symbol, cell, side, dark_side, text_mm, text_h):
    left, top, right, bottom = cell
    cell_w, cell_h = right - left, bottom - top
    title_mm, desc_mm, url_mm = text_mm
    y = top + max((cell_h - side - text_h) / 2, 0)
    unit = dark_side / symbol.size
    inset = (side - pdf.qr_side(symbol, unit)) / 2
    elements = [Code(left + (cell_w - side) / 2 + inset, y + inset, unit, symbol,
                     item.logo_in_qr)]
    y += side + 1
    for line in _wrap(item.title, title_mm, True, cell_w - 8)[:2]:
        elements.append(Text(left, y, cell_w, line, title_mm, bold=True))
        y += title_mm + 1.5
    if item.description:
        line = _wrap(item.description, desc_mm, False, cell_w - 8)[0]
        elements.append(Text(left, y, cell_w, line, desc_mm, colour=pdf.MUTED))
        y += desc_mm + 1.5
    elements.append(Text(left, y, cell_w, item.short_url, url_mm, colour=pdf.MUTED))
    return elements


# --- The PDF: what the chair prints --------------------------------------------------

def to_pdf(sheets):
    doc = pdf.document(HEADLINE)
    for elements in sheets:
        doc.add_page()
        for element in elements:
            if isinstance(element, Box):
                doc.set_fill_color(*element.colour)
                doc.rect(element.x, element.y, element.w, element.h, style="F")
            elif isinstance(element, Code):
                pdf.qr_code(doc, element.symbol, element.x, element.y, element.unit,
                            element.logo)
            else:
                pdf.text(doc, element.x, element.y, element.content, element.size,
                         element.width, element.bold, element.colour, element.align)
    return pdf.to_bytes(doc)


# --- The PNG: the preview on screen and an image to share ----------------------------

def px(mm):
    return round(mm * PNG_DPI / 25.4)


@lru_cache(maxsize=32)
def _png_font(bold, size_px):
    return ImageFont.truetype(pdf.find_font("bold" if bold else "regular"), size_px,
                              index=pdf.SC_INDEX)


def to_png(elements):
    sheet = Image.new("RGB", (px(WIDTH), px(HEIGHT)), "white")
    draw = ImageDraw.Draw(sheet)
    for element in elements:
        if isinstance(element, Box):
            draw.rectangle([px(element.x), px(element.y), px(element.x + element.w) - 1,
                            max(px(element.y + element.h) - 1, px(element.y))],
                           fill=element.colour)
        elif isinstance(element, Code):
            _png_code(sheet, element)
        else:
            font = _png_font(element.bold, px(element.size))
            baseline = px(element.y + element.size * BASELINE)
            draw.text((px(element.x + element.width / 2), baseline), element.content,
                      font=font, fill=element.colour, anchor="ms")
    out = io.BytesIO()
    sheet.save(out, "PNG", dpi=(PNG_DPI, PNG_DPI))
    return out.getvalue()


def _png_code(sheet, code):
    """The code at whole pixels per module (sharp edges), centred where the PDF has it."""
    module_px = max(int(code.unit * PNG_DPI / 25.4), 1)
    image = qr.render_symbol_image(code.symbol, code.logo, module_px)
    offset = (px(pdf.qr_side(code.symbol, code.unit)) - image.width) // 2
    sheet.paste(image, (px(code.x) + offset, px(code.y) + offset))
