"""Input the kiosk refuses, with the reason the screen explains.

Pure logic (CSV, photos, zips, links) raises a subclass with a ``reason`` key
and the ``params`` its message needs; the view maps the key to a translated
sentence. No Flask here.
"""


class Refused(ValueError):
    def __init__(self, reason, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params
