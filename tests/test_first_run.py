"""A newcomer's first command, scripts/run, from an empty instance folder."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(instance, port):
    env = dict(os.environ, KIOSK_INSTANCE_PATH=str(instance), PORT=str(port), THREADS="2")
    env.pop("FLASK_APP", None)
    return subprocess.Popen([os.path.join(ROOT, "scripts", "run")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def wait_for(url, proc, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail("scripts/run exited: " + proc.stdout.read())
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode(), response.headers
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {seconds} s")


def stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    output, _ = proc.communicate(timeout=20)
    return output


def test_first_command_builds_everything_then_reuses_it(tmp_path):
    instance = tmp_path / "instance"
    port = free_port()
    proc = start(instance, port)
    home, headers = wait_for(f"http://127.0.0.1:{port}/", proc)
    output = stop(proc)
    assert "职工服务驿站" in home
    assert f"http://127.0.0.1:{port}/" in output
    login = re.search(r"login: (chair) / (\S+)\)", output)
    assert login, output
    assert (instance / "kiosk.sqlite3").exists() and "Demo data loaded" in output
    # Served by waitress (scripts/run names it "kiosk"), not the Flask development server.
    assert headers["Server"] == "kiosk" and "development server" not in output

    proc = start(instance, port)
    wait_for(f"http://127.0.0.1:{port}/identify/", proc)
    output = stop(proc)
    assert "is up to date" in output and "demo data not loaded" in output
    assert f"login: chair / {login.group(2)})" in output
