"""Who the staff are, and what only some of them may do (R-TKT-10, R-TKT-11, R-RS-6)."""

import frappe
from frappe.utils import get_datetime, now_datetime

from dds_assistance.core.remote_sessions import authorisation_valid

STAFF_ROLES = frozenset(
	{
		"Administrator",
		"System Manager",
		"Assistance Agent",
		"Assistance Technician",
		"Assistance Manager",
		"Accounts User",
		"Accounts Manager",
	}
)
MANAGER_ROLES = ("Assistance Manager", "System Manager")


def is_staff(user: str | None = None) -> bool:
	"""A desk user of the support or accounting team (clients hold none of these roles)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	return bool(STAFF_ROLES.intersection(frappe.get_roles(user)))


def require_manager(message: str):
	"""Only an Assistance Manager (or System Manager) — ``frappe.only_for`` is
	skipped in tests, so the check is explicit."""
	if not set(MANAGER_ROLES) & set(frappe.get_roles()):
		raise frappe.PermissionError(message)


def is_authorised_technician(user: str, at=None) -> bool:
	"""R-RS-6: the user holds a technician authorisation valid at ``at`` (default: now)."""
	at = get_datetime(at) if at else now_datetime()
	for row in frappe.get_all(
		"Technician Authorisation",
		filters={"user": user, "valid_from": ("<=", at)},
		fields=["valid_from", "valid_to", "revoked_on"],
	):
		if authorisation_valid(
			get_datetime(row.valid_from),
			get_datetime(row.valid_to) if row.valid_to else None,
			get_datetime(row.revoked_on) if row.revoked_on else None,
			at,
		):
			return True
	return False
