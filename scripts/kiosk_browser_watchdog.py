"""Run Chromium for scripts/kiosk-browser and bring the page back when it crashes.

    python3 scripts/kiosk_browser_watchdog.py START_URL CHROMIUM [FLAG …]

A crashed or killed page (a renderer out of memory, "Aw, Snap!") leaves Chromium
running on a sad grey tab that nobody at a kiosk can reload: there is no address
bar and no keyboard. This watchdog talks to Chromium over the DevTools protocol on
a pipe (``--remote-debugging-pipe``: file descriptors 3 and 4, not a network port,
so no other program on the terminal can drive the browser), hears
``Target.targetCrashed`` and opens START_URL (the local starting page, which goes
on to the kiosk as soon as the server answers) in that tab again.

It exits with Chromium's exit status when Chromium ends; scripts/kiosk-browser then
starts both again. Standard library only: it runs before anything is installed.
"""
import json
import os
import subprocess
import sys
import threading


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    start_url, browser, flags = argv[1], argv[2], argv[3:]
    to_browser_read, to_browser = os.pipe()      # what Chromium reads on fd 3
    from_browser, from_browser_write = os.pipe()  # what it writes on fd 4

    def child_fds():
        os.dup2(to_browser_read, 3)
        os.dup2(from_browser_write, 4)

    process = subprocess.Popen([browser, *flags, "--remote-debugging-pipe", start_url],
                               preexec_fn=child_fds, pass_fds=(3, 4))
    os.close(to_browser_read)
    os.close(from_browser_write)
    watchdog = Watchdog(to_browser, from_browser, start_url)
    threading.Thread(target=watchdog.listen, daemon=True).start()
    watchdog.send("Target.setDiscoverTargets", {"discover": True})
    return process.wait()


class Watchdog:
    def __init__(self, to_browser, from_browser, start_url):
        self.to_browser = to_browser
        self.from_browser = from_browser
        self.start_url = start_url
        self.next_id = 0
        self.lock = threading.Lock()
        self.pending = {}       # message id → what to do with the answer
        self.types = {}         # target id → "page", "service_worker" …

    def send(self, method, params=None, session=None, then=None):
        with self.lock:
            self.next_id += 1
            message = {"id": self.next_id, "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            if then:
                self.pending[self.next_id] = then
            try:
                os.write(self.to_browser, json.dumps(message).encode() + b"\0")
            except OSError:
                pass            # Chromium has gone: main() returns with its status

    def listen(self):
        buffer = b""
        while True:
            try:
                chunk = os.read(self.from_browser, 65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                try:
                    self.handle(json.loads(raw))
                except (ValueError, KeyError, TypeError):
                    continue

    def handle(self, message):
        then = self.pending.pop(message.get("id"), None)
        if then is not None:
            then(message.get("result") or {})
        elif message.get("method") in ("Target.targetCreated", "Target.targetInfoChanged"):
            info = message["params"]["targetInfo"]
            self.types[info["targetId"]] = info.get("type")
        elif message.get("method") == "Target.targetCrashed":
            target_id = message["params"]["targetId"]
            if self.types.get(target_id, "page") == "page":   # a tab, not a worker
                self.revive(target_id)

    def revive(self, target_id):
        print(f"kiosk-browser: the page crashed ({target_id[:8]}…); opening it again",
              file=sys.stderr, flush=True)
        self.send("Target.attachToTarget", {"targetId": target_id, "flatten": True},
                  then=lambda result: self.send("Page.navigate", {"url": self.start_url},
                                                session=result.get("sessionId")))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
