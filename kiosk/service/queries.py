"""The inbox's questions: which requests, in what order, which are overdue."""
from datetime import timedelta

from peewee import JOIN, Case, fn

from .. import data_version
from ..models import utcnow
from ..roster.models import Member, Team, Workshop
from . import categories
from .models import CLOSED_STATUSES, STATUSES, ServiceRequest

PAGE_SIZE = 50


def overdue_condition(handler, now=None):
    """Still waiting for the union's answer past the category's deadline."""
    now = now or utcnow()
    per_category = None
    for key, days in categories.deadline_days_by_key().items():
        clause = (ServiceRequest.category == key) & \
                 (ServiceRequest.awaiting_since < now - timedelta(days=days))
        per_category = clause if per_category is None else (per_category | clause)
    return (ServiceRequest.handled_by == handler) & per_category


def is_overdue(request, now=None, deadlines=None):
    if request.awaiting_since is None:
        return False
    days = (deadlines or {}).get(request.category) or categories.config(request.category).deadline_days
    return request.awaiting_since < (now or utcnow()) - timedelta(days=days)


def overdue_ids(rows, handler):
    """The overdue ones among ``rows`` (one settings query for the whole page)."""
    deadlines, now = categories.deadline_days_by_key(), utcnow()
    return {r.id for r in rows if r.handled_by == handler and is_overdue(r, now, deadlines)}


def inbox(handler, category=None, status=None, overdue=False, urgent=False, handled_by=None,
          page=1, crisis=False):
    """One page of requests: open crises first, then urgent open ones, then the newest;
    and the total.

    Once per data version and minute (overdue moves with the clock): ordering 10,000
    requests for a page of 50 costs 15 ms, and the chair pages back and forth, the admin
    home and the morning sheet ask the same. The rows are shared: read, never changed.
    """
    args = (handler, category, status, overdue, urgent, handled_by, page, crisis)
    key = ("inbox", args, utcnow().replace(second=0, microsecond=0))
    return data_version.cached(key, lambda: _inbox(*args))


def _inbox(handler, category, status, overdue, urgent, handled_by, page, crisis):
    query = (ServiceRequest.select(ServiceRequest, Member, Team, Workshop)
             .join(Member, on=(ServiceRequest.member == Member.id), join_type=JOIN.LEFT_OUTER)
             .join(Team, join_type=JOIN.LEFT_OUTER).join(Workshop, join_type=JOIN.LEFT_OUTER)
             .switch(ServiceRequest))
    if category in categories.KEYS:
        query = query.where(ServiceRequest.category == category)
    if status == "open":
        query = query.where(ServiceRequest.status.not_in(CLOSED_STATUSES))
    elif status in STATUSES:
        query = query.where(ServiceRequest.status == status)
    if overdue:
        query = query.where(overdue_condition(handler))
    if urgent:
        query = query.where(ServiceRequest.urgent)
    if crisis:
        query = query.where(ServiceRequest.crisis)
    if handled_by in categories.HANDLERS:
        query = query.where(ServiceRequest.handled_by == handled_by)
    total = query.count()
    urgent_open = Case(None, [((ServiceRequest.urgent
                                & ServiceRequest.status.not_in(CLOSED_STATUSES)), 1)], 0)
    crisis_open = Case(None, [((ServiceRequest.crisis
                                & ServiceRequest.status.not_in(CLOSED_STATUSES)), 1)], 0)
    rows = (query.order_by(crisis_open.desc(), urgent_open.desc(),
                           ServiceRequest.created_at.desc(), ServiceRequest.id)
            .paginate(max(page, 1), PAGE_SIZE))
    return list(rows), total


def attention_counts(handler):
    """How many of this handler's requests are overdue, and how many urgent ones are unanswered
    (for the admin home's alerts: once per data version and minute)."""
    key = ("attention_counts", handler, utcnow().replace(second=0, microsecond=0))
    return data_version.cached(key, lambda: _attention_counts(handler))


def _attention_counts(handler):
    overdue = ServiceRequest.select().where(overdue_condition(handler)).count()
    urgent = (ServiceRequest.select()
              .where((ServiceRequest.handled_by == handler) & ServiceRequest.urgent
                     & ServiceRequest.awaiting_since.is_null(False))
              .count())
    return overdue, urgent


def unanswered_crises(handler):
    """Requests with words of despair (or for counselling) the union has not yet answered."""
    return (ServiceRequest.select()
            .where((ServiceRequest.handled_by == handler) & ServiceRequest.crisis
                   & ServiceRequest.awaiting_since.is_null(False))
            .count())


def waiting_for_central():
    """Requests for the federation that the sync has not yet delivered."""
    return (ServiceRequest.select()
            .where((ServiceRequest.handled_by == categories.CENTRAL)
                   & ServiceRequest.sent_to_central_at.is_null())
            .count())


def filed_with_token(token):
    """The request a draft with this token already filed, or None."""
    if not token:
        return None
    return ServiceRequest.get_or_none(ServiceRequest.idempotency_key == token)


def requests_of(member):
    return list(ServiceRequest.select().where(ServiceRequest.member == member)
                .order_by(ServiceRequest.created_at.desc()).limit(50))


def filed_today_by(member, since):
    return (ServiceRequest.select(fn.COUNT(ServiceRequest.id))
            .where((ServiceRequest.member == member) & (ServiceRequest.created_at >= since))
            .scalar())
