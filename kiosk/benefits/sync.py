"""How benefit links sync: central's links (``owner="central"``) and their logos go
down to every station; a station's own links stay at the station."""
from flask_babel import lazy_gettext as _l

from ..sync.kind_spec import CENTRAL, apply_to_model
from .models import BenefitLink, BenefitLogo

LINK_FIELDS = ("owner", "title_zh", "title_en", "description_zh", "description_en", "category",
               "url", "logo_digest", "logo_in_qr", "sort_order", "visible_from", "visible_until",
               "hidden")


def register_all(register, SyncKind):
    def central_logos():
        digests = (BenefitLink.select(BenefitLink.logo_digest)
                   .where((BenefitLink.owner == "central") & BenefitLink.logo_digest.is_null(False)))
        return BenefitLogo.select().where(BenefitLogo.digest.in_(digests))

    # Logos first: a link names its logo by digest. A pulled record is applied with its
    # own kind (the name is bound by the time the first record arrives).
    logo = register(SyncKind("benefit_logo", BenefitLogo, CENTRAL, ("digest", "png"), order=30,
                             label=_l("benefit logos"), blob_fields=("png",), rows=central_logos,
                             apply=lambda op, data: apply_to_model(logo, op, data)))
    link = register(SyncKind("benefit_link", BenefitLink, CENTRAL, LINK_FIELDS, order=31,
                             label=_l("benefit links"),
                             rows=lambda: BenefitLink.select().where(BenefitLink.owner == "central"),
                             apply=lambda op, data: apply_to_model(link, op, data)))
