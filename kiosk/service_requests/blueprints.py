"""The two blueprints: the kiosk's screens and the chair's admin pages."""
from flask import Blueprint

kiosk_bp = Blueprint("service", __name__, url_prefix="/service")
admin_bp = Blueprint("service_admin", __name__, url_prefix="/admin/requests")
