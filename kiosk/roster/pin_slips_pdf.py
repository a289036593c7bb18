"""PIN set-up slips as a PDF: eight to an A4 sheet (two columns of four), dashed cut lines.

The same slips as the print page (``templates/admin/roster/pin_slips.html``), for a
chair whose printer is reached through a file rather than the browser's dialog.
"""
from flask_babel import gettext as _

from .. import pdf

COLUMNS, ROWS = 2, 4
SLIP_W = pdf.A4_MM[0] / COLUMNS
SLIP_H = pdf.A4_MM[1] / ROWS
PAD = 8


def render(sheets, valid_until):
    """``sheets``: lists of slips ({"member", "code"}) as ``pin_slips._print_page`` makes."""
    doc = pdf.document(_("Personal PIN set-up slips"))
    until = valid_until.isoformat()
    steps = [_("At the station's screen, tap 我的信息, then find your photo or type your "
               "staff number."),
             _("Tap “No PIN yet? Set it up with your slip” and type the set-up code above."),
             _("Choose a PIN of 4 to 6 digits and type it twice. Tell it to nobody.")]
    note = _("The code works once, until %(date)s. Then destroy this slip.", date=until)
    for sheet in sheets:
        doc.add_page()
        _cut_lines(doc)
        for n, slip in enumerate(sheet):
            x = (n % COLUMNS) * SLIP_W + PAD
            y = (n // COLUMNS) * SLIP_H + PAD
            _slip(doc, slip, x, y, steps, note)
    return pdf.to_bytes(doc)


def _cut_lines(doc):
    doc.set_draw_color(*pdf.MUTED)
    doc.set_line_width(0.2)
    doc.set_dash_pattern(dash=2, gap=1.5)
    doc.line(SLIP_W, 0, SLIP_W, pdf.A4_MM[1])
    for row in range(1, ROWS):
        doc.line(0, row * SLIP_H, pdf.A4_MM[0], row * SLIP_H)
    doc.set_dash_pattern()


def _slip(doc, slip, x, y, steps, note):
    width = SLIP_W - 2 * PAD
    member = slip["member"]
    y = pdf.text(doc, x, y, _("Personal PIN set-up slip"), 5, width, bold=True, colour=pdf.RED)
    y += 1
    y = pdf.text(doc, x, y, f"{member.name} · {member.team.workshop.name} · {member.team.name}",
              4.6, width, bold=True)
    y = pdf.text(doc, x, y + 0.6, f"{_('Staff number')} {member.staff_no}", 4, width)
    pdf.font(doc, 4)
    label = _("Set-up code")
    doc.set_xy(x, y + 2.2)
    doc.cell(w=doc.get_string_width(label) + 2, h=9.6, text=label)
    code_x = x + doc.get_string_width(label) + 2
    y = pdf.text(doc, code_x, y + 1, slip["code"], 8.5, width - (code_x - x), bold=True) + 1.5
    pdf.font(doc, 3.4)
    for number, step in enumerate(steps, 1):
        for k, line in enumerate(pdf.wrap(step, width - 4, doc.get_string_width)):
            doc.set_xy(x, y)
            doc.cell(w=4, h=4.3, text=f"{number}." if k == 0 else "")
            doc.set_xy(x + 4, y)
            doc.cell(w=width - 4, h=4.3, text=line)
            y += 4.3
    pdf.text(doc, x, y + 1.2, note, 3.1, width, colour=pdf.MUTED)
