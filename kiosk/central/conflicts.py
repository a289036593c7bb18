"""Central: records refused as conflicts, set aside for a person to review."""
import json

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from ..admin.auth import audit, login_required
from ..htmx import redirect_to, render
from ..sync.models import CentralConflict, CentralRecord, Station
from . import admin_bp as bp


def _pretty(text):
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return text


@bp.get("/conflicts")
@login_required
def conflicts():
    """Each refused record beside the copy central keeps."""
    show_all = request.args.get("all") == "1"
    query = (CentralConflict.select(CentralConflict, Station).join(Station)
             .order_by(CentralConflict.received_at.desc()).limit(200))
    if not show_all:
        query = query.where(~CentralConflict.resolved)
    items = []
    for conflict in query:
        kept = CentralRecord.get_or_none(CentralRecord.id == conflict.record_id)
        items.append({"conflict": conflict, "incoming": _pretty(conflict.data),
                      "kept": _pretty(kept.data) if kept else None,
                      "kept_station": kept.station.name if kept else None})
    return render("central/conflicts.html", items=items, show_all=show_all)


@bp.post("/conflicts/<int:conflict_id>/reviewed")
@login_required
def conflict_reviewed(conflict_id):
    """Mark a conflict as reviewed: central's copy stays as it is."""
    conflict = CentralConflict.get_or_none(CentralConflict.id == conflict_id) or abort(404)
    conflict.resolved = True
    conflict.save()
    audit("conflict reviewed", conflict.record_id, conflict.kind)
    flash(_("Marked as reviewed. Central keeps its copy."))
    return redirect_to(url_for("central.conflicts"))
