"""ERPNext Customer glue: what the desk shows on a client (R-SAN-2, R-SAN-3)."""

import frappe
from frappe import _

from dds_assistance.context.clients import active_suspension


def show_suspension(customer: str) -> bool:
	"""Show the suspension in force (or its end) on the Customer. Returns whether
	the client is suspended now."""
	suspension = active_suspension(customer)
	reason = (
		_("Suspended since {0}: {1} ({2}).").format(
			frappe.utils.format_datetime(suspension.effective_from), _(suspension.breach), suspension.name
		)
		if suspension
		else None
	)
	frappe.db.set_value(
		"Customer", customer, {"dds_suspended": 1 if suspension else 0, "dds_suspension_reason": reason}
	)
	return bool(suspension)


def suspension_reason(customer: str) -> str:
	"""R-SAN-2: staff see why the client is suspended on every refusal."""
	return frappe.db.get_value("Customer", customer, "dds_suspension_reason") or ""
