"""Faults between a station and a real central process: nothing lost, nothing doubled.

Each test breaks a sync of thousands of records in one way, checks what each
side holds at that moment, then retries and checks that both sides converge
to exactly the right data.
"""
import threading

import pytest

from kiosk.models import Setting
from kiosk.notices.models import Announcement
from kiosk.sync import kinds, outbox, runner
from kiosk.sync.client import CentralClient
from kiosk.sync.models import CentralConflict, SyncRun

from .helpers import acked_count, central_count, central_view, make_mood_counts, station_app
from .netfaults import CuttingProxy

N = 3000      # records in a night
BATCH = 500   # records in a batch


def converge(central, n=N):
    """A retry finishes the job: exactly n records at central and n marked at the station."""
    run = runner.run_sync("test", batch_size=BATCH)
    assert run.ok, run.error
    assert central_count(central, "mood_group") == n
    assert acked_count("mood_group") == n
    assert outbox.count_pending(kinds.station_kinds()) == 0
    with central_view(central):
        assert CentralConflict.select().count() == 0
    return run


def test_central_killed_in_the_middle_of_a_batch(tmp_path, central, station_secret):
    central.restart(fault="crash_mid_batch:3")
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(N)
        run = runner.run_sync("test", batch_size=BATCH)
        assert not run.ok and run.error_code == "unreachable"
        assert central.wait_dead() == 3
        # Two batches committed and acknowledged; the third died with its transaction.
        assert central_count(central, "mood_group") == 2 * BATCH
        assert acked_count() == 2 * BATCH
        central.start()
        assert converge(central).pushed == N - 2 * BATCH


def test_connection_cut_in_the_middle_of_a_batch(tmp_path, central, station_secret):
    proxy = CuttingProxy(central.port, cut_after=20_000)
    with station_app(tmp_path, central, station_secret):
        Setting.set_value(runner.URL, proxy.url)
        make_mood_counts(N)
        run = runner.run_sync("test", batch_size=BATCH)
        assert proxy.faults == 1
        assert not run.ok and run.error_code == "unreachable"
        assert central_count(central, "mood_group") == 0
        assert acked_count() == 0
        converge(central)
    proxy.close()


def test_ack_lost_after_central_committed(tmp_path, central, station_secret):
    central.restart(fault="crash_after_commit:2")
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(N)
        run = runner.run_sync("test", batch_size=BATCH)
        assert not run.ok
        central.wait_dead()
        assert central_count(central, "mood_group") == 2 * BATCH
        assert acked_count() == BATCH  # the second ack never arrived
        central.start()
        # The second batch goes again; central acks it without storing it twice.
        assert converge(central).pushed == N - BATCH


def test_ack_lost_on_the_way_back(tmp_path, central, station_secret):
    proxy = CuttingProxy(central.port, drop_response_on=b"POST /api/v1/push")
    with station_app(tmp_path, central, station_secret):
        Setting.set_value(runner.URL, proxy.url)
        make_mood_counts(N)
        run = runner.run_sync("test", batch_size=BATCH)
        assert proxy.faults == 1 and not run.ok
        assert central_count(central, "mood_group") == BATCH
        assert acked_count() == 0
        converge(central)
    proxy.close()


def test_the_same_batch_delivered_twice_and_concurrently(tmp_path, central, station_secret):
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(N)
        kind = kinds.get("mood_group")
        records = outbox.pending(kind, BATCH)
        body = {"kind": "mood_group", "records": [
            {"id": r.id, "version": r.version, "data": r.data} for r in records]}
        answers = []

        def deliver(tag):
            client = CentralClient(central.url, *station_secret)
            answers.append(client.call("POST", "/push", dict(body, batch=tag)))
            client.close()

        threads = [threading.Thread(target=deliver, args=(f"t{i}",)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        deliver("again")
        assert len(answers) == 5
        assert all(sorted(a["ack"]) == sorted(r.id for r in records) for a in answers)
        assert all(a["conflicts"] == [] for a in answers)
        assert central_count(central, "mood_group") == BATCH
        converge(central)


class PowerCut(BaseException):
    """The terminal loses power: nothing after this point runs."""


def test_power_cut_between_sending_and_marking_sent(tmp_path, central, station_secret,
                                                   monkeypatch):
    with station_app(tmp_path, central, station_secret):
        make_mood_counts(N)
        real_mark = outbox.mark_sent
        calls = []

        def mark_then_die(*args):
            calls.append(1)
            if len(calls) == 3:
                raise PowerCut()
            return real_mark(*args)

        monkeypatch.setattr(outbox, "mark_sent", mark_then_die)
        with pytest.raises(PowerCut):
            runner.run_sync("test", batch_size=BATCH)
        monkeypatch.setattr(outbox, "mark_sent", real_mark)
        assert central_count(central, "mood_group") == 3 * BATCH
        assert acked_count() == 2 * BATCH
        assert SyncRun.select().where(SyncRun.ok.is_null()).count() == 1  # shown as interrupted
        assert converge(central).pushed == N - 2 * BATCH


def test_pages_pulled_twice_change_nothing(tmp_path, central, station_secret):
    with central_view(central):
        with Announcement._meta.database.atomic():
            for i in range(1200):
                Announcement.create(title=f"通知{i}")
    with station_app(tmp_path, central, station_secret):
        assert runner.run_sync("test", batch_size=BATCH).pulled == 1201
        assert Announcement.select().count() == 1200
        # The cursor lost (a restored backup): every page comes again, nothing doubles.
        Setting.set_value(runner.CURSOR, 0)
        assert runner.run_sync("test", batch_size=BATCH).pulled == 1201
        assert Announcement.select().count() == 1200
        # The same page applied twice in a row: the second is a no-op.
        client = CentralClient(central.url, *station_secret)
        page = client.call("GET", "/changes", query={"after": 0, "limit": 10})
        cursor = int(Setting.get_value(runner.CURSOR))
        runner.apply_page(page["changes"], 0, page["next"])
        assert int(Setting.get_value(runner.CURSOR)) == cursor
        client.close()


def test_a_crash_while_applying_a_page_keeps_page_and_cursor_together(
        tmp_path, central, station_secret, monkeypatch):
    with central_view(central):
        for i in range(40):
            Announcement.create(title=f"通知{i}")
    with station_app(tmp_path, central, station_secret):
        def crash(op, data):
            raise PowerCut()

        monkeypatch.setattr(kinds.get("announcement"), "apply", crash)
        with pytest.raises(PowerCut):
            runner.run_sync("test", batch_size=BATCH)
        assert Announcement.select().count() == 0
        assert int(Setting.get_value(runner.CURSOR, 0)) == 0
        monkeypatch.undo()
        run = runner.run_sync("test", batch_size=BATCH)
        assert run.ok and Announcement.select().count() == 40


def test_clock_skew_inside_and_beyond_the_window(tmp_path, central, station_secret):
    """The window is ±300 s: 400 s off is refused and nothing is marked; 200 s off is fine."""
    with station_app(tmp_path, central, station_secret):
        made = 0
        for offset, ok in [(400, False), (-400, False), (200, True), (-200, True)]:
            make_mood_counts(300)
            made += 300
            client = CentralClient(central.url, *station_secret, clock_offset=offset)
            run = runner.run_sync("test", batch_size=BATCH, client=client)
            assert run.ok is ok, (offset, run.error)
            if ok:
                assert central_count(central, "mood_group") == acked_count() == made
            else:
                assert run.error_code == "clock_skew" and "off central" in run.error
                assert central_count(central, "mood_group") == 0 and acked_count() == 0
        converge(central, made)
