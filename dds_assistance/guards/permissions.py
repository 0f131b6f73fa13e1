"""Row-level access for client (portal) users (R-TKT-11).

Staff see tickets by role (DocPerm). A user holding none of the staff roles sees
only the records of the Customers whose Portal Users table lists them — in
lists (``permission_query_conditions``) and documents (``has_permission``,
which in v15 can only deny). A user linked to no Customer sees nothing.
"""

import frappe

from dds_assistance.context.clients import customers_of
from dds_assistance.context.staff import is_staff


def _customer_condition(doctype: str, user: str | None) -> str:
	if is_staff(user):
		return ""
	customers = customers_of(user)
	if not customers:
		return "1=0"
	values = ", ".join(frappe.db.escape(c) for c in customers)
	return f"`tab{doctype}`.`customer` in ({values})"


def _has_customer_permission(doc, user: str | None) -> bool:
	if is_staff(user):
		return True
	customer = doc.get("customer") if not isinstance(doc, str) else None
	return bool(customer) and customer in customers_of(user)


def _customer_scoped(doctype: str):
	"""The two permission hooks of a doctype whose records belong to a client."""

	def query_conditions(user: str | None = None) -> str:
		return _customer_condition(doctype, user)

	def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool:
		return _has_customer_permission(doc, user)

	return query_conditions, has_permission


ticket_query_conditions, ticket_has_permission = _customer_scoped("Assistance Ticket")
equipment_query_conditions, equipment_has_permission = _customer_scoped("Assistance Equipment")
subscription_query_conditions, subscription_has_permission = _customer_scoped("Premium Subscription")
session_query_conditions, session_has_permission = _customer_scoped("Remote Session")
session_log_query_conditions, session_log_has_permission = _customer_scoped("Remote Session Log")
tool_query_conditions, tool_has_permission = _customer_scoped("Assistance Tool Installation")
complaint_query_conditions, complaint_has_permission = _customer_scoped("Assistance Complaint")
terms_notice_query_conditions, terms_notice_has_permission = _customer_scoped("Terms Notice")
mandate_query_conditions, mandate_has_permission = _customer_scoped("SEPA Mandate")


# ---------------------------------------------------------------------------- what a client never writes
# The records the app makes on a client's behalf (portal requests, replies,
# attachments, complaints, consents) are written by the app's own actions only:
# through Frappe's generic APIs (set_value, save, delete, rename …) a client may
# read what is theirs and change nothing.
CLIENT_RECORDS = frozenset(
	{
		"Assistance Ticket",
		"Remote Session",
		"Remote Session Log",
		"Assistance Complaint",
		"Premium Subscription",
		"Assistance Equipment",
		"Assistance Tool Installation",
		"Terms Notice",
		"SEPA Mandate",
	}
)
READS = frozenset({"read", "select", "print", "email", "export", "report"})


def _client_record(doctype: str | None, name: str | None) -> tuple[str, str] | None:
	"""The app's record a File or Communication belongs to (a Communication's file
	belongs to the Communication's record)."""
	if doctype == "Communication" and name:
		doctype, name = frappe.db.get_value(
			"Communication", name, ["reference_doctype", "reference_name"]
		) or (
			None,
			None,
		)
	return (doctype, name) if doctype in CLIENT_RECORDS and name else None


def _client_may(record: tuple[str, str] | None, ptype: str | None, user: str | None) -> bool | None:
	"""None: not the app's to decide (staff, or not a client record); else whether
	the client may do ``ptype`` — read what is theirs, write nothing."""
	if record is None or is_staff(user):
		return None
	if (ptype or "read") not in READS:
		return False
	customer = frappe.db.get_value(record[0], record[1], "customer")
	return None if customer and customer in customers_of(user) else False


def file_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	return _client_may(
		_client_record(doc.get("attached_to_doctype"), doc.get("attached_to_name")), ptype, user
	)


def communication_has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	return _client_may(_client_record(doc.get("reference_doctype"), doc.get("reference_name")), ptype, user)
