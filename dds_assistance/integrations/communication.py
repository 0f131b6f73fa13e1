"""Communication glue: e-mail intake and first response (R-TKT-6, R-TKT-9)."""

import frappe

from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import record_first_response

TICKET = "Assistance Ticket"


def on_communication_change(doc, method=None):
	"""After insert and on update (an incoming mail gets its body after its insert).
	Both effects happen once: a response is stamped only if none is, a
	description is filled only if empty."""
	if doc.reference_doctype != TICKET or not doc.reference_name or doc.communication_type != "Communication":
		return
	if not frappe.db.exists(TICKET, doc.reference_name):
		return
	if doc.sent_or_received == "Sent":
		ticket = frappe.get_doc(TICKET, doc.reference_name)
		record_first_response(ticket, doc.communication_date or doc.creation)
	elif doc.sent_or_received == "Received":
		describe_from_mail(doc)


def describe_from_mail(communication):
	"""A ticket created from an e-mail takes the mail's body as its description,
	so the request is complete or shows what is missing (R-TKT-8)."""
	ticket = frappe.get_doc(TICKET, communication.reference_name)
	if ticket.description or not communication.content:
		return
	ticket.description = communication.content
	ticket.flags.ignore_permissions = True
	ticket.flags.ignore_mandatory = True
	ticket.save()
