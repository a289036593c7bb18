"""Names vulture reports as unused that are used where it cannot see (scripts/test runs
``vulture kiosk vulture_whitelist.py --min-confidence 80``). Each line says who uses it.

Add a name here only when something outside Python's own calls uses it: a signature a
base class calls with every argument, a template, Flask or peewee by name. Unused code
is deleted, not listed.
"""
# urllib calls HTTPRedirectHandler.redirect_request(req, fp, code, msg, headers, newurl)
# positionally; _NoRedirect refuses every redirect without looking at them.
req  # noqa: B018, F821
newurl  # noqa: B018, F821
