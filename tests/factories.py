"""Plain factory functions for test data (CTFd style): make_member(team=…)."""
import itertools
from datetime import date

from kiosk.admin.auth import hash_password
from kiosk.models import AdminUser, Member, Team, Workshop

_seq = itertools.count(1)


def make_workshop(name=None, **fields):
    return Workshop.create(name=name or f"车间{next(_seq)}", **fields)


def make_team(name=None, workshop=None, **fields):
    workshop = workshop or make_workshop()
    return Team.create(workshop=workshop, name=name or f"班组{next(_seq)}", **fields)


def make_member(name=None, team=None, staff_no=None, photo=False, app=None, **fields):
    n = next(_seq)
    fields.setdefault("birthday", date(1990, 1, 1))
    fields.setdefault("photo_consent", True)
    member = Member.create(name=name or f"职工{n}", team=team or make_team(),
                           staff_no=staff_no or f"{9000 + n}", **fields)
    if photo:
        from kiosk.demo_data import avatar
        from kiosk.roster_service import set_photo
        set_photo(member, avatar(str(member.id)), app.config)
        member = Member.get_by_id(member.id)
    return member


def make_admin(username="chair", password="correct horse battery", **fields):
    return AdminUser.create(username=username, password_hash=hash_password(password), **fields)
