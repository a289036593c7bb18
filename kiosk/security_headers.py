"""Security headers on every response: pages, htmx fragments, static files, errors, the API.

The Content-Security-Policy allows only our own scripts, styles and images (and
``data:`` images: the QR codes carry their logo that way). No inline script, no
``eval`` (htmx runs with ``allowEval: false``), no inline style: the templates
use classes, and a length that varies (a bar's width) is an SVG attribute.
``frame-ancestors 'none'`` and X-Frame-Options keep the admin login and the kiosk
out of another site's frame (clickjacking); ``form-action 'self'`` keeps a form
from posting elsewhere even if markup were ever injected.
"""

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # A kiosk has no use for the camera, the microphone or the location, and
    # neither does anything that might ever get a script onto a page.
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def init_app(app):
    @app.after_request
    def _security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
