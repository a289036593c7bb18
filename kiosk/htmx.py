"""The one module that reads htmx headers.

Views ask ``is_htmx()`` and call ``render()``; a page template defines its
fragments as named blocks, and an htmx request gets only the named block.
"""
from flask import Response, redirect, render_template, request
from jinja2_fragments.flask import render_block

from .extensions import htmx
from .next_url import safe_next


def is_htmx():
    return bool(htmx)


def render(template, block=None, **context):
    """The whole page, or only ``block`` when htmx asked for a fragment."""
    request._renders_fragment = True
    if block and is_htmx():
        return render_block(template, block, **context)
    return render_template(template, **context)


def redirect_to(url):
    """Navigate the whole page: HX-Redirect for htmx, a 303 for a plain form post.

    Only ever to a path on this site, whoever built ``url``."""
    url = safe_next(url)
    if is_htmx():
        return Response(status=200, headers={"HX-Redirect": url})
    return redirect(url, code=303)
