"""Demo benefit links: believable, on example.org, with drawn (not real) logos.

The first four stand for links the city federation sets (owner "central",
normally brought by the sync); the last two are the station's own.
"""
import io
import uuid

from PIL import Image, ImageDraw, ImageFont

from ..db import db
from ..pdf import SC_INDEX, CJKFontMissing, find_font
from .logos import normalise_logo
from .models import BenefitLink, BenefitLogo

# Fixed ids: loading the demo twice changes nothing.
_NS = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.benefits.example.org")
DEMO_CENTRAL_ID = uuid.uuid5(_NS, "city-federation")

DEMO_LINKS = [
    dict(key="app", owner="central", category="app", mark="工", colour=(200, 16, 46),
         logo_in_qr=True, title_zh="齐鲁工惠APP下载", title_en="Get the members' app",
         description_zh="会员专属优惠和服务，一键下载",
         description_en="Member offers and services in one app",
         url="https://example.org/qlgh/app"),
    dict(key="offers", owner="central", category="offers", mark="惠", colour=(217, 138, 0),
         logo_in_qr=False, title_zh="会员商家优惠", title_en="Merchant offers for members",
         description_zh="周边商家凭会员码打折", description_en="Discounts nearby with your member code",
         url="https://example.org/qlgh/offers?city=heze"),
    dict(key="aid", owner="central", category="aid", mark="助", colour=(29, 154, 91),
         logo_in_qr=False, title_zh="困难职工帮扶申请", title_en="Apply for hardship aid",
         description_zh="生活有困难，工会帮你解决", description_en="Hard times? The union helps",
         url="https://example.org/union/aid/apply"),
    dict(key="insurance", owner="central", category="insurance", mark="医", colour=(31, 111, 209),
         logo_in_qr=True, title_zh="职工大病医疗互助保险", title_en="Mutual medical insurance",
         description_zh="在线参保、查询与理赔", description_en="Join, check and claim online",
         url="https://example.org/union/mutual-insurance"),
    dict(key="skills", owner="station", category="other", mark="技", colour=(122, 76, 194),
         logo_in_qr=False, title_zh="技能竞赛报名", title_en="Skills competition sign-up",
         description_zh="本厂年度技能竞赛，欢迎报名", description_en="This year's skills competition",
         url="https://example.org/station/skills-contest"),
    dict(key="stories", owner="station", category="other", mark="视", colour=(69, 82, 107),
         logo_in_qr=False, title_zh="讲好工会故事", title_en="Union stories (videos)",
         description_zh="工会故事视频专栏", description_en="Short videos from our union",
         url="https://example.org/qlgh/stories"),
]


def demo_logo(mark, colour, size=256):
    """A rounded square in the link's colour with one character: not anyone's logo."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 5, fill=colour + (255,))
    try:
        font = ImageFont.truetype(find_font("bold"), int(size * 0.62), index=SC_INDEX)
        draw.text((size / 2, size / 2), mark, font=font, fill="white", anchor="mm")
    except CJKFontMissing:
        draw.ellipse([size * .3, size * .3, size * .7, size * .7], fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return normalise_logo(out.getvalue())


def load_demo_links(owners=("central", "station")):
    """Add the demo links of ``owners`` that are missing; return how many were added."""
    added = 0
    with db.atomic():
        for n, spec in enumerate(DEMO_LINKS, start=1):
            if spec["owner"] not in owners:
                continue
            spec = dict(spec)
            link_id = uuid.uuid5(_NS, spec.pop("key"))
            if BenefitLink.get_or_none(BenefitLink.id == link_id) is not None:
                continue
            png, digest = demo_logo(spec.pop("mark"), spec.pop("colour"))
            BenefitLogo.store(png, digest)
            extra = {"station_id": DEMO_CENTRAL_ID} if spec["owner"] == "central" else {}
            BenefitLink.create(id=link_id, logo_digest=digest, sort_order=n * 10, **extra, **spec)
            added += 1
    return added
