"""``flask --app kiosk sync`` (station) and ``flask --app kiosk central …`` (central)."""
import logging
import random
import sys
import time

import click
from flask import current_app

from .. import storage
from ..db import db
from ..version import __version__
from . import runner
from .protocol import SyncError

log = logging.getLogger(__name__)


@click.group("sync", invoke_without_command=True)
@click.option("--retries", default=0, show_default=True,
              help="Try again this many times after a failure that may pass.")
@click.option("--backoff", default=30.0, show_default=True,
              help="Seconds before the first retry; doubled after each.")
@click.option("--jitter", default=0.0, show_default=True,
              help="Wait a random 0…N seconds first (so stations do not all arrive at once).")
@click.option("--trigger", default="manual", show_default=True, help="Recorded with the run.")
@click.option("--quiet", is_flag=True, help="Print only failures.")
@click.pass_context
def sync_command(ctx, retries, backoff, jitter, trigger, quiet):
    """Sync with central now: push what central needs, pull what this station shows.

    Exits non-zero when the run fails (so cron mails the administrator).
    """
    if ctx.invoked_subcommand is not None:
        return
    echo = (lambda m: None) if quiet else click.echo
    if jitter > 0:
        delay = random.uniform(0, jitter)
        echo(f"Waiting {delay:.0f} s (random start) …")
        time.sleep(delay)
    attempt = 0
    while True:
        try:
            with runner.run_lock(current_app.instance_path), db.connection_context():
                run = runner.run_sync(__version__, trigger=trigger,
                                      progress=runner.Progress(echo=echo))
        except SyncError as exc:  # the lock is held by another run
            click.echo(f"Sync not started: {exc.message}", err=True)
            sys.exit(2)
        except Exception as exc:  # one line for cron's mail; the traceback goes to the log
            log.exception("sync failed")
            reason = ("the station's disk is full or cannot be written" if
                      storage.is_storage_error(exc) else
                      f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}")
            click.echo(f"Sync failed: {reason}", err=True)
            sys.exit(1)
        if run.ok:
            echo(f"Sync done in {run.seconds:.1f} s: {run.pushed} up, {run.pulled} down, "
                 f"{run.conflicts} conflict(s), {run.bytes_up + run.bytes_down} bytes, "
                 f"{run.backlog} still waiting.")
            return
        retryable = run.error_code in ("unreachable", "server_error", "not_an_ack",
                                       "replayed_nonce")
        if attempt >= retries or not retryable:
            click.echo(f"Sync failed ({run.error_code}): {run.error}", err=True)
            sys.exit(1)
        delay = backoff * (2 ** attempt)
        attempt += 1
        click.echo(f"Retry {attempt}/{retries} in {delay:.0f} s …", err=True)
        time.sleep(delay)


@sync_command.command("configure")
@click.option("--url", required=True, help="Central's address, e.g. https://sync.example.org")
@click.option("--station-id", required=True, help="The id central gave this station.")
@click.option("--secret", prompt=True, hide_input=True, help="The secret central showed once.")
@click.option("--no-check", is_flag=True, help="Save without asking central (offline setup).")
@click.option("--insecure-http", is_flag=True,
              help="Allow a plain http:// address that is not this machine (shown in red).")
@click.option("--ca-file", default=None, type=click.Path(exists=True, dir_okay=False),
              help="The CA certificate(s) that signed central's certificate (an enterprise CA).")
def sync_configure(url, station_id, secret, no_check, insecure_http, ca_file):
    """Connect this station to central (central must prove it knows the secret)."""
    with db.connection_context():
        try:
            answer = runner.configure(url, station_id, secret, __version__, verify=not no_check,
                                      insecure_http=insecure_http, ca_file=ca_file)
        except SyncError as exc:
            click.echo(f"Not saved ({exc.code}): {exc.message}", err=True)
            sys.exit(1)
    if answer:
        station = answer["station"]
        click.echo(f"Connected: central knows this station as {station['name']} "
                   f"({station['enterprise']}).")
    else:
        click.echo("Saved without checking with central.")


@sync_command.command("status")
def sync_status():
    """Show the connection and the last runs."""
    from . import kinds, outbox
    with db.connection_context():
        runner.close_interrupted_if_idle(current_app.instance_path)
        config = runner.configuration()
        click.echo(f"Central: {config[0]} as station {config[1]}" if config
                   else "Not connected to central.")
        click.echo(f"Waiting to go up: {outbox.count_pending(kinds.station_kinds())}")
        for run in runner.recent_runs(10):
            state = "ok" if run.ok else ("running" if run.ok is None else f"FAILED {run.error_code}")
            click.echo(f"{run.started_at:%Y-%m-%d %H:%M:%S}  {state:20} up {run.pushed:6} "
                       f"down {run.pulled:6}")
