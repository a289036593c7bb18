"""``flask --app kiosk alerts …``: deliver what is due (the systemd timer's safety net)."""
import click
from flask import current_app
from flask.cli import AppGroup

from .deliverer import run_once

alerts_command = AppGroup("alerts", help="Alerts to the chair's phone (WeCom, DingTalk, e-mail).")


@alerts_command.command("deliver")
def deliver_command():
    """Send every alert that is due, and do the day's checks (overdue visits) if due.

    The kiosk server does this by itself within seconds; this command is the safety
    net for a server that is down or busy, run by scripts/kiosk-alerts.timer every
    five minutes. Exits 1 when a delivery was given up in this run.
    """
    result = run_once(current_app)
    for channel, kind, detail in result.errors:
        click.echo(f"  {channel}: {kind}: {detail}", err=True)
    click.echo(f"Sent {result.sent}, to retry {result.retrying}, given up {result.failed}.")
    if result.failed:
        raise SystemExit(1)
