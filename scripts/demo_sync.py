"""The sync demo behind scripts/demo-sync: a central and two stations on loopback.

Every step is what an administrator does, run as its own process on its own
data folder: central registers two stations, each station loads demo data,
takes a few check-ins and requests, is connected with its id and secret, and
syncs; central answers a request it handles; the station syncs again and the
worker can read the answer by receipt code.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))
BIN = os.path.dirname(sys.executable)


def env_for(folder, role):
    env = dict(os.environ, KIOSK_INSTANCE_PATH=folder, KIOSK_ROLE=role)
    for key in ("DATABASE", "DATABASE_URL"):
        env.pop(key, None)
    return env


def flask(folder, role, *args, show=True):
    result = subprocess.run([os.path.join(BIN, "flask"), "--app", "kiosk", *args], cwd=ROOT,
                            env=env_for(folder, role), capture_output=True, text=True)
    if show:
        for line in (result.stdout + result.stderr).strip().splitlines():
            print(f"    {line}")
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed ({result.returncode})")
    return result.stdout


def python(folder, role, code):
    """Run ``code`` with the folder's app bound and connected; return what it prints."""
    prelude = ("from kiosk import create_app\nfrom kiosk.db import db\napp = create_app()\n"
               "ctx = app.app_context(); ctx.push(); db.connect()\n")
    result = subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], cwd=ROOT,
                            env=env_for(folder, role), capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(result.stderr)
    return result.stdout


ACTIVITY = """
from datetime import timedelta
from kiosk.roster.models import Member
from kiosk.models.base import utcnow
from kiosk.mood import records, retention
from kiosk.service import lifecycle
members = list(Member.select().order_by(Member.staff_no).limit({checkins}))
yesterday = utcnow() - timedelta(days=1)
for i, m in enumerate(members):
    records.record_checkin(m.id, ("happy", "ok", "upset")[i % 3], tz="Asia/Shanghai",
                           day_start_hour=4, now=yesterday)
retention.roll_up(utcnow().date())
a = lifecycle.file_request("suggestion", "安全", "车间照明太暗", member=members[0])
b = lifecycle.file_request("rights", "拖欠工资", "三个月没发加班费", phone="13800000000")
lifecycle.add_event(a.id, "received", "chair", "station")
print(b.receipt_code)
"""


def main():
    keep = "--keep" in sys.argv
    base = tempfile.mkdtemp(prefix="kiosk-demo-sync-")
    central_dir = os.path.join(base, "central")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    print(f"Folders under {base}\n\n1. Central: create the database and register two stations")
    flask(central_dir, "central", "migrate")
    flask(central_dir, "central", "create-admin", "federation", "--password", "demo-federation",
          show=False)
    stations = []
    for name, enterprise in (("机加工车间驿站", "菏泽重工机械有限公司"), ("食堂驿站", "鲁西纺织集团")):
        out = flask(central_dir, "central", "central", "register-station", "--name", name,
                    "--enterprise", enterprise, "--address", "菏泽市牡丹区")
        station_id = re.search(r"Station id: (\S+)", out).group(1)
        secret = re.search(r"Secret:\s+(\S+)", out).group(1)
        stations.append((name, os.path.join(base, f"station{len(stations) + 1}"), station_id, secret))
    python(central_dir, "central", """
        from kiosk.notices.models import Announcement
        Announcement.create(title="夏送清凉：7月1日起到工会领取防暑用品", body="凭会员卡领取")
    """)
    server = subprocess.Popen([os.path.join(BIN, "waitress-serve"), f"--listen=127.0.0.1:{port}",
                               "--call", "kiosk:create_app"], cwd=ROOT,
                              env=env_for(central_dir, "central"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(port)
        print(f"   Central serves {url}  (admin: federation / demo-federation)\n")
        receipts = {}
        for n, (name, folder, station_id, secret) in enumerate(stations, 1):
            print(f"{n + 1}. Station {name}: demo data, check-ins, requests, connect, sync")
            flask(folder, "station", "migrate", show=False)
            flask(folder, "station", "demo", "load", "--members", "40", show=False)
            receipts[name] = python(folder, "station", ACTIVITY.format(checkins=12 + 6 * n)).strip()
            flask(folder, "station", "sync", "configure", "--url", url, "--station-id",
                  station_id, "--secret", secret)
            flask(folder, "station", "sync")
            print()
        print(f"{len(stations) + 2}. Central answers the rights request of {stations[0][0]}")
        python(central_dir, "central", f"""
            from kiosk.service import lifecycle
            from kiosk.service.models import ServiceRequest
            r = ServiceRequest.get(ServiceRequest.receipt_code == "{receipts[stations[0][0]]}")
            lifecycle.add_event(r.id, "public_reply", "市总权益部", "central",
                                text="已联系企业，本周内答复")
        """)
        flask(stations[0][1], "station", "sync")
        print("\nWhat arrived where")
        print(python(central_dir, "central", """
            from peewee import fn
            from kiosk.sync.models import CentralRecord, Station
            for s in Station.select().order_by(Station.name):
                counts = dict(CentralRecord.select(CentralRecord.kind, fn.COUNT(CentralRecord.id))
                              .where(CentralRecord.station == s).group_by(CentralRecord.kind).tuples())
                held = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
                print(f"  central holds from {s.name}: {held}")
                print(f"      last successful sync {s.last_sync_ok_at:%H:%M:%S}, "
                      f"software {s.software_version}")
        """).rstrip())
        for name, folder, _sid, _secret in stations:
            print(python(folder, "station", f"""
                from kiosk.models import Setting
                from kiosk.notices.models import Announcement
                from kiosk.service.models import ServiceRequest
                from kiosk.service import lifecycle
                print(f"  {name} (central calls it {{Setting.get_value('central.name')}}): "
                      f"{{Announcement.select().count()}} announcement(s): "
                      + "; ".join(a.title for a in Announcement.select()))
                r = ServiceRequest.get_or_none(ServiceRequest.receipt_code == "{receipts[name]}")
                replies = [e.text for e in lifecycle.history(r, public_only=True) if e.text]
                print(f"      receipt {receipts[name]}: status {{r.status}}"
                      + (f", central replied: {{replies[-1]}}" if replies else ""))
            """).rstrip())
    finally:
        server.terminate()
        server.wait(timeout=10)
        if keep:
            print(f"\nKept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("central did not start")


if __name__ == "__main__":
    main()
