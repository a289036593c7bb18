"""Writes to the benefit links, honouring who owns which row. No Flask here.

``role`` is where the code runs ("station" or "central"): a row is written
only where it is owned; anything else a station wants of a central link goes
into its BenefitLinkLocal row.
"""
from datetime import timedelta

from peewee import fn

from ..db import write_transaction
from ..models import utcnow
from .models import BenefitLink, BenefitLinkLocal, BenefitLogo

STEP = 10


class NotOwnedHere(PermissionError):
    """A write to a row that another place owns (single-writer rule)."""


def next_position():
    last = BenefitLink.select(fn.MAX(BenefitLink.sort_order)).scalar() or 0
    local_last = BenefitLinkLocal.select(fn.MAX(BenefitLinkLocal.sort_order)).scalar() or 0
    return max(last, local_last) + STEP


def save_link(link, role, is_new, **fields):
    """Create (owned here, placed last) or update a link owned here."""
    with write_transaction():
        if is_new:
            link.owner = role
            link.sort_order = next_position()
        elif not link.editable_by(role):
            raise NotOwnedHere(link.id)
        for name, value in fields.items():
            setattr(link, name, value)
        link.save(force_insert=is_new)
        _publish(role, [link.id])
    return link


def set_hidden(link, hidden, role):
    """Hide a link from the kiosk, or show it again: on the row if owned, else locally."""
    with write_transaction():
        if link.editable_by(role):
            link.hidden = hidden
            link.save()
            _publish(role, [link.id])
        else:
            _upsert_local(link, hidden=hidden)


def move(link, direction, role):
    """Move a link one place up (-1) or down (+1) in the kiosk's order."""
    with write_transaction():
        order = list(BenefitLink.listed())
        index = next(i for i, row in enumerate(order) if row.id == link.id)
        other = index + direction
        if not 0 <= other < len(order):
            return False
        order[index], order[other] = order[other], order[index]
        moved = []
        for n, row in enumerate(order, start=1):
            position = n * STEP
            if row.position == position:
                continue
            if row.editable_by(role):
                row.sort_order = position
                row.save()
                moved.append(row.id)
            else:
                _upsert_local(row, sort_order=position)
        _publish(role, moved)
    return True


def _publish(role, link_ids):
    """Central's links go into the change log in the transaction that wrote them.

    Logos first (a link names its logo); they are few, so all of them are
    compared: a logo no central link names any more goes down as a delete.
    """
    if role != "central" or not link_ids:
        return
    from ..sync import changelog
    changelog.reconcile(("benefit_logo",))
    changelog.record("benefit_link", link_ids)


def _upsert_local(link, **values):
    values["updated_at"] = utcnow()
    (BenefitLinkLocal.insert(link=link.id, **values)
     .on_conflict(conflict_target=[BenefitLinkLocal.link],
                  update={getattr(BenefitLinkLocal, k): v for k, v in values.items()})
     .execute())


def store_logo(png, digest):
    """Keep a normalised logo (content-addressed: storing it twice is one row)."""
    return BenefitLogo.store(png, digest)


def delete_unused_logos(older_than=timedelta(days=1)):
    """Logos no link names any more — e.g. uploaded with a form that was then
    abandoned — are dropped after a grace period (a form may still hold one)."""
    # No change-log entry here: the link change that stopped naming a logo sent its delete.
    used = BenefitLink.select(BenefitLink.logo_digest).where(BenefitLink.logo_digest.is_null(False))
    return (BenefitLogo.delete()
            .where(BenefitLogo.digest.not_in(used)
                   & (BenefitLogo.created_at < utcnow() - older_than))
            .execute())
