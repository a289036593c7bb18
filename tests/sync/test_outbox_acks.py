"""The station's record of central's ack (outbox.mark_sent, one statement per batch since
issue 11): what was acked leaves the outbox at the version sent, what was refused is kept
with its reason, and a later ack of a newer version replaces the row."""
from datetime import date

from kiosk.sync import kinds, outbox
from kiosk.sync.models import SyncState

from .helpers import make_mood_counts


def test_acked_leave_the_outbox_refused_keep_their_reason_a_newer_ack_replaces(app):
    kind = kinds.get("mood_group")
    make_mood_counts(6, day=date(2026, 3, 1))
    records = outbox.pending(kind, 100)
    assert len(records) == 6
    acked, refused = records[:5], records[5]
    assert outbox.mark_sent(kind, records, [r.id for r in acked], [refused.id],
                            {refused.id: "invalid record: count: out of range"}) == 6
    assert outbox.pending(kind, 100) == [] and outbox.count_pending([kind]) == 0
    states = {str(s.record_id): s for s in SyncState.select()}
    assert states[refused.id].conflict and states[refused.id].reason.startswith("invalid")
    first = states[acked[0].id]
    assert (first.kind, first.sent_digest, first.sent_updated_at, first.conflict) == (
        "mood_group", acked[0].digest, acked[0].updated_at, False)
    assert [str(c.record_id) for c in outbox.conflicts()] == [refused.id]

    again = [outbox.OutgoingRecord(refused.id, "v2", "d" * 64, refused.data, refused.updated_at)]
    assert outbox.mark_sent(kind, again, [refused.id], []) == 1
    state = SyncState.get_by_id(refused.id)
    assert (state.conflict, state.reason, state.sent_digest) == (False, "", "d" * 64)
    assert state.sent_at >= states[refused.id].sent_at
    assert SyncState.select().count() == 6
