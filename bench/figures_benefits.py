"""Benefit QR codes: an image served from cache and rendered cold, next to qrcode itself.

The baseline is what a view without a cache would do: ``qrcode.make`` for the
same URL, at the same module size and quiet zone, saved as PNG — measured in
the same run, in the same process.
"""
import io
import time

import qrcode


def _per_call(seconds, call):
    """Median seconds per call of ``call`` over about ``seconds`` of calls."""
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def run(h):
    app = h.app()
    with app.app_context():
        from kiosk import qr
        from kiosk.benefits.demo import load_demo_links
        from kiosk.benefits.images import KINDS, qr_version
        from kiosk.benefits.models import BenefitLink
        load_demo_links()
        link = BenefitLink.get(BenefitLink.title_zh == "困难职工帮扶申请")  # no logo in the code
        url, link_id = link.url, link.id
        png_path = f"/benefits/{link_id}/qr.png?v={qr_version(link, 'png')}"
        svg_path = f"/benefits/{link_id}/qr.svg?v={qr_version(link, 'svg')}"

    module_px = KINDS["png"]["module_px"]

    def qrcode_direct():
        out = io.BytesIO()
        qrcode.make(url, box_size=module_px, border=qr.QUIET_ZONE,
                    error_correction=qr.ERROR_CORRECTION[qr.PLAIN_LEVEL]).save(out)
        return out.getvalue()

    client = app.test_client()
    seconds = max(h.seconds / 2, 0.4)

    def cold(path):
        def call():
            qr.image_cache.clear()
            qr._encode.cache_clear()
            assert client.get(path).status_code == 200
        return call

    def cached(path):
        def call():
            assert client.get(path).status_code == 200
        return call

    baseline = _per_call(seconds, qrcode_direct) * 1000
    h.report("QR PNG served from cache (request through the app) vs qrcode.make + PNG",
             _per_call(seconds, cached(png_path)) * 1000, baseline, "ms")
    h.report("QR PNG rendered cold (request through the app) vs qrcode.make + PNG",
             _per_call(seconds, cold(png_path)) * 1000, baseline, "ms")
    h.report("QR SVG rendered cold (request through the app) vs qrcode.make + PNG",
             _per_call(seconds, cold(svg_path)) * 1000, baseline, "ms")
    h.compare_http("QR PNG from the server cache over HTTP", app, png_path)
    h.compare_http("benefit cards page (6 links)", app, "/benefits/")
