"""When the business calendar changes — a closure added to the Holiday List, the
opening windows changed, a planned interruption announced or cancelled — the
pending deadlines of open tickets and complaints are computed again, and each
change is recorded on its record with the cause (R-TIME-5, R-AVAIL-2).

Idempotent: a deadline that the calendar does not move is not written, so a second
run changes nothing."""

import frappe

from dds_assistance.business_calendar import clear_calendar_cache
from dds_assistance.core import tickets as core_tickets
from dds_assistance.jobs import for_each


def recompute_open_deadlines(
	reason: str, source_doctype: str | None = None, source_name: str | None = None, between=None
) -> dict:
	"""``between`` (start, end) limits the look to what a change of that span can
	move: a deadline still to come after its start, of a record received before its end."""
	clear_calendar_cache()
	ticket_filters = {
		"status": ("in", list(core_tickets.SLA_RUNNING_STATUSES)),
		"first_responded_on": ("is", "not set"),
		"response_due": ("is", "set"),
	}
	complaint_filters = {"status": ("in", ["Open", "Acknowledged"])}
	if between:
		start, end = between
		ticket_filters.update({"response_due": (">=", start), "received_at": ("<=", end)})
		complaint_filters.update({"answer_due": (">=", start), "received_at": ("<=", end)})
	tickets = frappe.get_all("Assistance Ticket", filters=ticket_filters, pluck="name")
	complaints = frappe.get_all("Assistance Complaint", filters=complaint_filters, pluck="name")

	def ticket(name):
		doc = frappe.get_doc("Assistance Ticket", name, for_update=True)
		return name if doc.recompute_response_due(reason, source_doctype, source_name) else None

	def complaint(name):
		doc = frappe.get_doc("Assistance Complaint", name, for_update=True)
		return name if doc.recompute_deadlines(reason, source_doctype, source_name) else None

	return {
		"tickets": for_each(tickets, ticket, "DDS Assistance: deadline of {0} could not be recomputed"),
		"complaints": for_each(
			complaints, complaint, "DDS Assistance: deadlines of {0} could not be recomputed"
		),
	}
