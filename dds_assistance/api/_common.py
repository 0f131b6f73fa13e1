"""What every action endpoint starts with."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.dds_assistance.doctype.assistance_settings.assistance_settings import (
	business_hours_between,
)

MANAGER_ROLES = ("Assistance Manager", "System Manager")


def locked_doc(doctype: str, name: str, ptype: str = "write"):
	"""The document, its row locked for this transaction, after a permission check;
	flagged so that its controller accepts the action's changes."""
	if not frappe.db.get_value(doctype, name, "name", for_update=True):
		raise frappe.DoesNotExistError(_("{0} {1} not found").format(_(doctype), name))
	doc = frappe.get_doc(doctype, name)
	doc.check_permission(ptype)
	doc.flags.dds_action = True
	return doc


def require_manager(message: str):
	"""Only an Assistance Manager (or System Manager) — ``frappe.only_for`` is
	skipped in tests, so the check is explicit."""
	if not set(MANAGER_ROLES) & set(frappe.get_roles()):
		raise frappe.PermissionError(message)


def time_to_due(due, now=None) -> tuple[bool, object, str]:
	"""R-TKT-9: (overdue?, business time between now and the due time, that time as
	"H h M min") — for the form, the list and the portal."""
	now, due = get_datetime(now) if now else now_datetime(), get_datetime(due)
	overdue = now >= due
	span = business_hours_between(due, now) if overdue else business_hours_between(now, due)
	minutes = int(span.total_seconds() // 60)
	return overdue, span, _("{0} h {1} min").format(minutes // 60, minutes % 60)
