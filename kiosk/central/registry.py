"""Central: register stations, issue and rotate their secrets, read their sync health."""
import uuid
from datetime import timedelta

from ..db import write_transaction
from ..models.base import utcnow
from ..sync import changelog
from ..sync.models import Station
from ..sync.protocol import new_secret

# A station that has not synced successfully for longer than this is flagged.
STALE_AFTER = timedelta(days=1)


def register_station(name, enterprise, address="", station_id=None):
    """Create a station; return (station, secret). The secret is shown once, then only used."""
    secret = new_secret()
    with write_transaction():
        station = Station.create(id=uuid.UUID(str(station_id)) if station_id else uuid.uuid4(),
                                 name=name.strip(), enterprise=enterprise.strip(),
                                 address=(address or "").strip(), secret=secret)
        changelog.record("station_profile", [station.id])
    return station, secret


def rotate_secret(station):
    secret = new_secret()
    with write_transaction():
        Station.update(secret=secret, updated_at=utcnow()).where(Station.id == station.id).execute()
        changelog.record("station_profile", [station.id])
    return secret


def update_station(station, name, enterprise, address, active):
    station.name, station.enterprise, station.address = name.strip(), enterprise.strip(), address.strip()
    station.active = active
    station.updated_at = utcnow()  # the profile goes down to the station at its next pull
    with write_transaction():
        station.save()
        changelog.record("station_profile", [station.id])


def health(station, now=None):
    """How far behind a station is: (hours since last good sync or None, stale?)."""
    now = now or utcnow()
    if station.last_sync_ok_at is None:
        return None, True
    behind = now - station.last_sync_ok_at
    return behind.total_seconds() / 3600, behind > STALE_AFTER
