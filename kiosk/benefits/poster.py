"""A4 posters of benefit QR codes for the canteen wall: pure Pillow, no Flask.

Each sheet holds up to four codes with their titles and a short instruction in
Chinese (the wall is read by the station's workers). Sheets are drawn at
200 dpi, which prints every module crisply, and saved as a multi-page PDF
(one page per sheet) or one PNG per sheet. Text needs a CJK font: Debian's
fonts-noto-cjk; without it we refuse with a message rather than print boxes.
"""
import io
import os
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from .. import qr

DPI = 200
A4_MM = (210, 297)
PER_SHEET = 4
RED = (200, 16, 46)
INK = (29, 36, 51)
MUTED = (91, 100, 117)

FONT_DIRS = ["/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk",
             "/usr/share/fonts/google-noto-cjk", "/usr/share/fonts/truetype/noto"]
FONT_FILES = {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"}
SC_INDEX = 2  # the Simplified Chinese face inside Noto's collection
# Text heights in mm (title, description, link) by codes on the sheet: 1, 2, 3-4.
TEXT_MM = {1: (11, 6, 4.4), 2: (7.5, 4.6, 3.8), 3: (6.5, 4.4, 3.6)}

HEADLINE = "扫码享优惠"
SUBTITLE = "职工服务驿站 · 工会为您准备的福利链接"
INSTRUCTIONS = ("用手机相机或微信“扫一扫”对准二维码，即可打开。",
                "扫码不收费；如有疑问，请联系本单位工会。")


class PosterFontMissing(RuntimeError):
    """No Chinese font: the poster would print boxes instead of text."""


@dataclass(frozen=True)
class PosterItem:
    title: str
    description: str
    url: str
    short_url: str
    logo_in_qr: bytes = None   # PNG bytes, or None


def px(mm):
    return round(mm * DPI / 25.4)


def find_font(weight="regular"):
    for folder in FONT_DIRS:
        path = os.path.join(folder, FONT_FILES[weight])
        if os.path.exists(path):
            return path
    raise PosterFontMissing(
        "The poster needs a Chinese font (Noto Sans CJK). On Debian: apt-get install fonts-noto-cjk")


def _font(weight, size):
    return ImageFont.truetype(find_font(weight), size, index=SC_INDEX)


def sheets_needed(count):
    return max((count + PER_SHEET - 1) // PER_SHEET, 1)


def draw_sheets(items, printed_on):
    """One Pillow image per A4 sheet for ``items`` (PosterItem), in order."""
    find_font("regular"), find_font("bold")  # fail before drawing anything
    chunks = [items[i:i + PER_SHEET] for i in range(0, len(items), PER_SHEET)] or [[]]
    return [_draw_sheet(chunk, n + 1, len(chunks), printed_on)
            for n, chunk in enumerate(chunks)]


def _draw_sheet(items, number, total, printed_on):
    width, height = px(A4_MM[0]), px(A4_MM[1])
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    band = px(46)
    draw.rectangle([0, 0, width, band], fill=RED)
    _centred(draw, HEADLINE, _font("bold", px(17)), width // 2, px(8), "white")
    _centred(draw, SUBTITLE, _font("regular", px(6)), width // 2, px(31), "white")

    footer = px(34)
    body = (px(10), band + px(8), width - px(10), height - footer)
    for item, box in zip(items, _cells(len(items), body), strict=True):
        _draw_item(sheet, draw, item, box, TEXT_MM[min(len(items), 3)])

    small, tiny = _font("regular", px(5)), _font("regular", px(3.6))
    y = height - footer + px(4)
    draw.line([px(10), y - px(2), width - px(10), y - px(2)], fill=(215, 220, 229), width=3)
    for line in INSTRUCTIONS:
        _centred(draw, line, small, width // 2, y, INK)
        y += px(8)
    note = f"打印日期 {printed_on:%Y-%m-%d}" + (f" · 第 {number}/{total} 页" if total > 1 else "")
    _centred(draw, note, tiny, width // 2, height - px(9), MUTED)
    return sheet


def _cells(count, body):
    left, top, right, bottom = body
    if count <= 1:
        return [body]
    if count == 2:  # side by side: each code as wide as a half sheet allows
        mid = (left + right) // 2
        return [(left, top, mid, bottom), (mid, top, right, bottom)]
    midx, midy = (left + right) // 2, (top + bottom) // 2
    if count == 3:  # the third centred below the first two
        return [(left, top, midx, midy), (midx, top, right, midy), (left, midy, right, bottom)]
    return [(left, top, midx, midy), (midx, top, right, midy),
            (left, midy, midx, bottom), (midx, midy, right, bottom)]


def _draw_item(sheet, draw, item, box, text_mm):
    left, top, right, bottom = box
    cell_w, cell_h = right - left, bottom - top
    title_mm, desc_mm, url_mm = text_mm
    title_font = _font("bold", px(title_mm))
    desc_font = _font("regular", px(desc_mm))
    url_font = _font("regular", px(url_mm))
    text_h = px(2 * title_mm + desc_mm + url_mm + 8)
    side = min(cell_w - px(8), cell_h - text_h - px(6), px(150))
    symbol = qr.encode(item.url, with_logo=item.logo_in_qr is not None)
    modules = symbol.size + 2 * qr.QUIET_ZONE
    module_px = max(side // modules, 1)
    code = qr.render_image(item.url, item.logo_in_qr, module_px=module_px)
    x = left + (cell_w - code.width) // 2
    y = top + max((cell_h - code.height - text_h) // 2, 0)
    sheet.paste(code, (x, y))
    y += code.height + px(1)
    cx = (left + right) // 2
    for line in _wrap(draw, item.title, title_font, cell_w - px(8))[:2]:
        _centred(draw, line, title_font, cx, y, INK)
        y += title_font.size + px(1.5)
    if item.description:
        line = _wrap(draw, item.description, desc_font, cell_w - px(8))[0]
        _centred(draw, line, desc_font, cx, y, MUTED)
        y += desc_font.size + px(1.5)
    _centred(draw, item.short_url, url_font, cx, y, MUTED)


def _centred(draw, text, font, cx, y, fill):
    draw.text((cx, y), text, font=font, fill=fill, anchor="ma")


def _wrap(draw, text, font, max_width):
    """Break ``text`` into lines that fit; Chinese breaks between any two characters."""
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > max_width and line:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    if line:
        lines.append(line)
    return lines or [""]


def to_pdf(sheets):
    out = io.BytesIO()
    sheets[0].save(out, "PDF", save_all=True, append_images=sheets[1:], resolution=DPI,
                   quality=92, subsampling=0, title="扫码享优惠", creator="station kiosk")
    return out.getvalue()


def to_png(sheet):
    out = io.BytesIO()
    sheet.save(out, "PNG", dpi=(DPI, DPI))
    return out.getvalue()
