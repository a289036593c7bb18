"""Central's schema check takes a shortcut for plainly well-formed values (issue 11); the
shortcut never lets through a value the full check refuses, for any field of any kind."""
from datetime import datetime

from kiosk.sync import kind_spec, kinds

SAMPLES = [
    None, True, False, 0, 1, -1, 10**6, 10**6 + 1, 2**63, 1.5, "1", "", "x" * 20,
    "x" * 20_001, "中" * 200, "happy", "upset", "suggestion", "station", "central", "new",
    "received", "ABCDEF00-0000-4000-8000-000000000000", "abcdef00-0000-4000-8000-000000000000",
    "abcdef0000004000800000000000000", "abcdef00-0000-4000-8000-00000000000g",
    "{abcdef00-0000-4000-8000-000000000000}", "2026-03-01", "2026-03-01T08:00:00.000000",
    "2026-03-02T00:00:00.000000", "2026-03-02T00:00:00.000001", "2099-03-01T08:00:00.000000",
    "1999-12-31T23:59:59.999999", "2000-01-01T00:00:00.000000", "2026-03-01T08:00:00+08:00",
    "2026-03-01 08:00:00.000000", "2026-03-03", "2026-03-04", "1999-12-31", "2026-02-30",
    [], {}, ["happy"], b"bytes",
]


def test_the_quick_check_passes_only_what_the_full_check_passes(app):
    latest = datetime(2026, 3, 2)
    checked = 0
    for kind in kinds.all_kinds().values():
        for spec, quick in kind._checks():
            if quick is None:
                continue
            for value in SAMPLES:
                if quick(value, latest):
                    checked += 1
                    assert kind_spec._value_problem(spec, value, latest) is None, (kind.name,
                                                                               spec.key, value)
    assert checked > 50  # the shortcut is taken, for ids, counts, flags, times and text


def test_a_refused_value_is_still_refused_with_its_reason(app):
    mood = kinds.get("mood_group")
    data = {"id": "abcdef00-0000-4000-8000-000000000000",
            "station_id": "ABCDEF00-0000-4000-8000-000000000000",
            "created_at": "2026-03-01T08:00:00", "updated_at": "2026-03-01T08:00:00",
            "day": "2026-03-01", "workshop_id": "abcdef00-0000-4000-8000-000000000001",
            "workshop_name": "车间", "team_id": None, "team_name": "", "mood": "happy",
            "count": 3, "members": 8}
    now = datetime(2026, 3, 2)
    assert mood.check(data, data["updated_at"], now)[1] is None  # an upper-case id is an id
    assert mood.check(dict(data, mood="angry"), data["updated_at"], now)[1] == \
        "mood: not one of the allowed values"
    assert mood.check(dict(data, count=True), data["updated_at"], now)[1] == \
        "count: not a whole number"
    assert mood.check(dict(data, workshop_id="nope"), data["updated_at"], now)[1] == \
        "workshop_id: not a valid value"


def test_every_field_of_a_nights_kinds_has_a_quick_check(app):
    """Choices read at each record (a mood, a category) are still checked the quick way: the
    full check was most of a mood count's schema check (issue 11)."""
    for name in ("mood_group", "service_request", "request_event"):
        assert [spec.key for spec, quick in kinds.get(name)._checks() if quick is None] == []


def test_choices_read_at_each_record_are_read_again(app, monkeypatch):
    from kiosk.service import categories
    kind = kinds.get("service_request")
    spec, quick = next((s, q) for s, q in kind._checks() if s.key == "category")
    latest = datetime(2026, 3, 2)
    assert quick("suggestion", latest)
    monkeypatch.setattr(categories, "KEYS", ("learning",))
    assert not quick("suggestion", latest)
    assert kind_spec._value_problem(spec, "suggestion", latest) == "not one of the allowed values"
