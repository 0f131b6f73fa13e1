"""Communication glue: e-mail intake, first response and who spoke last (R-TKT-6, R-TKT-9)."""

import frappe

from dds_assistance.context.staff import is_staff

TICKET = "Assistance Ticket"


def on_communication_change(doc, method=None):
	"""After insert and on update (an incoming mail gets its body after its insert).
	Each effect happens once: a response is stamped only if none is, a description
	is filled only if empty, a client's reply is flagged until an agent answers."""
	if doc.reference_doctype != TICKET or not doc.reference_name or doc.communication_type != "Communication":
		return
	if not frappe.db.exists(TICKET, doc.reference_name):
		return
	ticket = frappe.get_doc(TICKET, doc.reference_name)
	if doc.sent_or_received == "Sent":
		ticket.record_first_response(doc.communication_date or doc.creation)
		ticket.note_support_answer()
	elif doc.sent_or_received == "Received":
		ticket.describe_from_mail(doc.content)
		if not doc.flags.get("dds_new_request"):  # a message after the request: a reply
			ticket.note_reply(
				doc.communication_date or doc.creation, from_staff=bool(doc.sender) and is_staff(doc.sender)
			)
