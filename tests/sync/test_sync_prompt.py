"""A request for the federation (权益有侵害) is sent at once, not at night (issue 14, 5):
the station's prompt sync against a real central, online and after central was down."""
import threading

from kiosk.service import lifecycle
from kiosk.service.models import ServiceRequest
from kiosk.sync import prompt
from kiosk.sync.models import SyncRun

from .helpers import central_count, station_app


def run_prompt(app, on_sleep=lambda seconds: None, delay=0):
    """The prompt sync's thread, as filing starts it; its waits go to ``on_sleep``."""
    state = {"running": True}
    thread = threading.Thread(target=prompt._work, args=(app, state, on_sleep),
                              kwargs={"delay": delay})
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive() and state["running"] is False


def test_a_rights_request_reaches_central_on_the_hour(tmp_path, central, station_secret):
    waits = []
    with station_app(tmp_path, central, station_secret) as app:
        filed = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资")
        run_prompt(app, waits.append, delay=prompt.first_delay(True, now=3540, jitter=0))
        assert waits == [60]               # 00:59 → sent at 01:00, not the minute it was filed
        assert ServiceRequest.get_by_id(filed.id).sent_to_central_at is not None
        assert SyncRun.select().where(SyncRun.trigger == "prompt", SyncRun.ok).count() == 1
    assert central_count(central, "service_request") == 1


def test_when_central_is_down_it_tries_again_until_it_is_back(tmp_path, central, station_secret):
    central.stop()
    waits = []

    def central_comes_back(seconds):
        waits.append(seconds)
        if len(waits) == 2:
            central.start()

    with station_app(tmp_path, central, station_secret) as app:
        filed = lifecycle.file_request("rights", "拖欠工资", "三个月没发工资")
        run_prompt(app, central_comes_back)
        assert waits == [prompt.FIRST_WAIT, prompt.FIRST_WAIT * 2]
        assert ServiceRequest.get_by_id(filed.id).sent_to_central_at is not None
    assert central_count(central, "service_request") == 1
