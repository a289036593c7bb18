"""Demo data: a believable enterprise with generated avatars (no real people)."""
import io
import os
import random
import secrets
from datetime import date

from peewee import sort_models
from PIL import Image, ImageDraw

from . import files
from .db import db
from .models import AdminUser, BaseModel
from .roster.models import Member, Team, Workshop

DEMO_ADMIN = "chair"

WORKSHOPS = {
    "机加工车间": ["车工一班", "车工二班", "铣工班", "数控班"],
    "装配车间": ["总装一班", "总装二班", "调试班"],
    "铸造车间": ["熔炼班", "造型班"],
    "后勤保障部": ["食堂班", "安保班"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕晓东春梅丹丹鹏飞立新文静宏伟金凤"  # noqa: E501


def is_empty():
    """No administrator and no member yet: a database nobody has set up."""
    return not (AdminUser.select().exists() or Member.select().exists())


def _password_path(app):
    return os.path.join(app.instance_path, "demo_admin_password")


def demo_password(app):
    """The demo admin's password, or None (also when a power cut left the file empty)."""
    return (files.read_text(_password_path(app)) or "").strip() or None


def avatar(seed, size=320):
    """A friendly abstract face in the member's colours: not a photo of anyone."""
    rnd = random.Random(seed)
    bg = tuple(rnd.randint(150, 230) for _ in range(3))
    skin = rnd.choice([(241, 204, 170), (224, 172, 130), (198, 145, 105), (250, 220, 190)])
    hair = rnd.choice([(40, 30, 25), (70, 50, 35), (20, 20, 20), (110, 80, 50)])
    shirt = tuple(rnd.randint(30, 140) for _ in range(3))
    image = Image.new("RGB", (size, size), bg)
    d = ImageDraw.Draw(image)
    s = size / 320
    d.ellipse([60 * s, 250 * s, 260 * s, 420 * s], fill=shirt)           # shoulders
    d.ellipse([95 * s, 60 * s, 225 * s, 210 * s], fill=hair)             # hair
    d.ellipse([100 * s, 80 * s, 220 * s, 230 * s], fill=skin)            # face
    if rnd.random() < 0.5:
        d.rectangle([95 * s, 60 * s, 225 * s, 110 * s], fill=hair)       # fringe
    for x in (135, 185):
        d.ellipse([(x - 7) * s, 145 * s, (x + 7) * s, 159 * s], fill=(40, 40, 40))
    d.arc([135 * s, 165 * s, 185 * s, 205 * s], 20, 160, fill=(150, 60, 60), width=max(int(4 * s), 1))
    if rnd.random() < 0.4:  # a safety helmet
        d.pieslice([88 * s, 40 * s, 232 * s, 170 * s], 180, 360, fill=rnd.choice(
            [(250, 200, 0), (230, 90, 30), (240, 240, 240), (30, 110, 200)]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def load(app, members=120, seed=2020):
    """Create the demo data of this role; return the demo admin's password.

    A station gets a believable enterprise (roster, avatars, two weeks of the
    weather board, requests at every stage) and links; central gets the
    federation's links only: the rest reaches it from the stations by sync.
    """
    from .benefits.demo import load_demo_links
    password = _demo_admin(app)
    if app.config["KIOSK_ROLE"] == "central":
        load_demo_links(owners=("central",))
        return password
    from .mood.demo import load_demo_checkins
    from .service.demo import load_demo_requests
    _load_roster(app, members, seed)
    load_demo_links()
    load_demo_checkins(app.config["BABEL_DEFAULT_TIMEZONE"])
    load_demo_requests()
    return password


def _demo_admin(app):
    from .admin.auth import hash_password
    # Short enough to type from the terminal's output, random enough for a demo.
    password = demo_password(app) or secrets.token_urlsafe(9)
    with db.atomic():
        user = AdminUser.get_or_none(AdminUser.username == DEMO_ADMIN)
        if user is None:
            AdminUser.create(username=DEMO_ADMIN, display_name="工会主席",
                             password_hash=hash_password(password))
        else:
            user.set_password_hash(hash_password(password))
    files.write_atomic(_password_path(app), password)
    return password


def _load_roster(app, members, seed):
    from .roster.service import set_photo
    rnd = random.Random(seed)
    with db.atomic():
        teams = []
        for w_order, (w_name, team_names) in enumerate(WORKSHOPS.items()):
            workshop, _ = Workshop.get_or_create(name=w_name, defaults={"sort_order": w_order})
            for t_order, t_name in enumerate(team_names):
                team, _ = Team.get_or_create(workshop=workshop, name=t_name,
                                             defaults={"sort_order": t_order})
                teams.append(team)
        used_names = set()
        for n in range(members):
            staff_no = f"{1001 + n}"
            if Member.select().where(Member.staff_no == staff_no).exists():
                continue
            name = _unique_name(rnd, used_names)
            member = Member.create(
                staff_no=staff_no, name=name, team=teams[n % len(teams)],
                badge_code=f"B{880000 + n * 7}",
                birthday=date(rnd.randint(1966, 2003), rnd.randint(1, 12), rnd.randint(1, 28)),
                photo_consent=rnd.random() < 0.85)
            set_photo(member, avatar(f"{seed}-{n}"), app.config)


def _unique_name(rnd, used):
    while True:
        name = rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name


def _all_models(cls=BaseModel):
    for sub in cls.__subclasses__():
        if not sub.__name__.startswith("_"):
            yield sub
        yield from _all_models(sub)


def clear():
    """Delete every row of every model, children first (the schema stays)."""
    models = [m for m in sort_models(set(_all_models())) if m.table_exists()]
    with db.atomic():
        for model in reversed(models):
            model.delete().execute()
