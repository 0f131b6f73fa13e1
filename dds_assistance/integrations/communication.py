"""Communication glue: e-mail intake and first response (R-TKT-6, R-TKT-9)."""

import frappe

TICKET = "Assistance Ticket"


def on_communication_change(doc, method=None):
	"""After insert and on update (an incoming mail gets its body after its insert).
	Both effects happen once: a response is stamped only if none is, a
	description is filled only if empty."""
	if doc.reference_doctype != TICKET or not doc.reference_name or doc.communication_type != "Communication":
		return
	if not frappe.db.exists(TICKET, doc.reference_name):
		return
	ticket = frappe.get_doc(TICKET, doc.reference_name)
	if doc.sent_or_received == "Sent":
		ticket.record_first_response(doc.communication_date or doc.creation)
	elif doc.sent_or_received == "Received":
		ticket.describe_from_mail(doc.content)
