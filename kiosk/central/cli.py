"""``flask --app kiosk central …``: the federation administrator's commands."""
import sys

import click

from ..db import db
from . import registry


@click.group("central")
def central_command():
    """Central server: the station registry."""


@central_command.command("register-station")
@click.option("--name", required=True, help="The station's name, e.g. 机加工车间驿站")
@click.option("--enterprise", required=True, help="The enterprise it stands in.")
@click.option("--address", default="", help="Where it stands.")
@click.option("--station-id", default=None, help="Keep an id the station already has.")
def register_station(name, enterprise, address, station_id):
    """Register a station and print its id and secret (the secret is shown only now)."""
    from peewee import IntegrityError
    with db.connection_context():
        try:
            station, secret = registry.register_station(name, enterprise, address, station_id)
        except (IntegrityError, ValueError) as exc:
            click.echo(f"Not registered: {exc}", err=True)
            sys.exit(1)
    click.echo(f"Registered {station.name} ({station.enterprise}).")
    click.echo(f"Station id: {station.id}")
    click.echo(f"Secret:     {secret}")
    click.echo("Enter both at the station (admin → Sync, or `flask --app kiosk sync configure`). "
               "The secret is not shown again.")


@central_command.command("stations")
def list_stations():
    """List the stations with their last successful sync."""
    from ..sync.models import Station
    with db.connection_context():
        for station in Station.select().order_by(Station.enterprise, Station.name):
            hours, stale = registry.health(station)
            behind = "never synced" if hours is None else f"{hours:.1f} h ago"
            flag = "  STALE" if stale else ""
            click.echo(f"{station.id}  {station.name} ({station.enterprise})  {behind}{flag}")


@central_command.command("publish")
def publish():
    """Put into the change log any central-owned change it lacks (run at start; 0 is normal)."""
    from ..sync import changelog
    with db.connection_context():
        written = changelog.reconcile()
    click.echo(f"{written} change(s) added to the change log.")


@central_command.command("purge")
def purge():
    """Delete what is past its retention (docs/capacity.md); run daily after the night."""
    from . import retention
    with db.connection_context():
        done = retention.purge()
    for what, count in done.items():
        click.echo(f"{what}: {count} deleted")
