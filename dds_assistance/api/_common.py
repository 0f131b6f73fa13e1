"""What every action endpoint starts with."""

import frappe
from frappe import _

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
