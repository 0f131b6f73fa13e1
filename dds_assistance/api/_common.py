"""What every action endpoint starts with."""

import frappe
from frappe import _


def locked_doc(doctype: str, name: str, ptype: str = "write"):
	"""The document as last committed, its row locked for this transaction (a
	locking read: never an older snapshot of the transaction), after a permission
	check."""
	if not isinstance(name, str) or not frappe.db.get_value(doctype, name, "name", for_update=True):
		raise frappe.DoesNotExistError(_("{0} {1} not found").format(_(doctype), name))
	doc = frappe.get_doc(doctype, name, for_update=True)
	doc.check_permission(ptype)
	return doc
