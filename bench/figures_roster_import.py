"""Roster import figures: a 2,000-row CSV and the photos of a bulk import.

Baselines: inserting the same members with one ``insert_many`` (no checks, no
report), and Pillow decoding the same photo (what any normalisation costs).
"""
import io
import time
from datetime import date


def _best_of(repeats, fn):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(h):
    _csv_import(h)
    _photo(h)


def _csv_import(h, rows=2000):
    from kiosk.db import db
    from kiosk.models import this_station_id
    from kiosk.roster import csv_import
    from kiosk.roster.models import Member, Team, Workshop

    header = "工号,姓名,车间,班组,工卡号,生日,公开照片"
    lines = [f"{3000 + n},职工{n},机加工车间,车工{n % 8}班,B{n},1990/1/{n % 28 + 1},是"
             for n in range(rows)]
    data = ("\r\n".join([header] + lines) + "\r\n").encode("gb18030")
    app = h.app()
    with app.app_context():
        db.connect(reuse_if_open=True)
        workshop = Workshop.create(name="机加工车间")
        teams = [Team.create(workshop=workshop, name=f"车工{n}班") for n in range(8)]
        station = this_station_id()

        def import_then_remove():
            csv_import.import_roster(data)
            Member.delete().execute()

        def insert_then_remove():
            with db.atomic():
                Member.insert_many([
                    {"staff_no": str(3000 + n), "name": f"职工{n}", "team": teams[n % 8],
                     "badge_code": f"B{n}", "birthday": date(1990, 1, n % 28 + 1),
                     "photo_consent": True, "station_id": station} for n in range(rows)
                ]).execute()
            Member.delete().execute()

        measured = _best_of(3, import_then_remove)
        baseline = _best_of(3, insert_then_remove)
        preview = _best_of(3, lambda: csv_import.build_plan(data))
        db.close()
    h.report(f"CSV import, {rows:,} new members (GB18030): plan + apply", measured, baseline, "s")
    h.report(f"CSV preview, {rows:,} rows (plan only)", preview, baseline, "s")


def _photo(h):
    from PIL import Image

    from kiosk.roster.photo_processing import normalise_photo
    image = Image.effect_noise((4000, 3000), 40).convert("RGB")  # a 12 MP phone photo
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    data = out.getvalue()

    def decode():
        with Image.open(io.BytesIO(data)) as photo:
            photo.load()

    measured = _best_of(3, lambda: normalise_photo(data, max_bytes=len(data)))
    baseline = _best_of(3, decode)
    h.report("one 12 MP JPEG normalised (per photo of a zip import)", measured, baseline, "s")
