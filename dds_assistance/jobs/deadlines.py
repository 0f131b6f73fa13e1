"""When the business calendar changes — a closure added to the Holiday List, the
opening windows changed, a planned interruption announced or cancelled — the
pending deadlines of open tickets and complaints are computed again, and each
change is recorded on its record with the cause (R-TIME-5, R-AVAIL-2).

Each calendar change is an Assistance Calendar Change, Pending until this job has
run for it. Idempotent: a deadline that the calendar does not move is not
written, so a second run changes nothing."""

import frappe
from frappe.utils import now_datetime

from dds_assistance.background.runner import for_each
from dds_assistance.context.business_calendar import clear_calendar_cache
from dds_assistance.core import tickets as core_tickets

CHANGE = "Assistance Calendar Change"


def recompute_open_deadlines(change: str) -> dict:
	"""The deadlines a calendar change moves. A change with a span (start, end)
	limits the look to what it can move: a deadline still to come after its start,
	of a record received before its end."""
	record = frappe.db.get_value(
		CHANGE,
		change,
		["name", "status", "reason", "source_doctype", "source_name", "span_start", "span_end"],
		as_dict=True,
		for_update=True,
	)
	if not record or record.status == "Done":
		return {"tickets": [], "complaints": []}
	frappe.db.set_value(
		CHANGE, change, "attempts", (frappe.db.get_value(CHANGE, change, "attempts") or 0) + 1
	)
	frappe.db.commit()
	clear_calendar_cache()
	ticket_filters = {
		"status": ("in", list(core_tickets.SLA_RUNNING_STATUSES)),
		"first_responded_on": ("is", "not set"),
		"response_due": ("is", "set"),
	}
	complaint_filters = {"status": ("in", ["Open", "Acknowledged"])}
	if record.span_start and record.span_end:
		start, end = record.span_start, record.span_end
		ticket_filters.update({"response_due": (">=", start), "received_at": ("<=", end)})
		complaint_filters.update({"answer_due": (">=", start), "received_at": ("<=", end)})
	tickets = frappe.get_all("Assistance Ticket", filters=ticket_filters, pluck="name")
	complaints = frappe.get_all("Assistance Complaint", filters=complaint_filters, pluck="name")
	why = (record.reason, record.source_doctype, record.source_name)

	def ticket(name):
		doc = frappe.get_doc("Assistance Ticket", name, for_update=True)
		return name if doc.recompute_response_due(*why) else None

	def complaint(name):
		doc = frappe.get_doc("Assistance Complaint", name, for_update=True)
		return name if doc.recompute_deadlines(*why) else None

	moved = {
		"tickets": for_each(tickets, ticket, "DDS Assistance: deadline of {0} could not be recomputed"),
		"complaints": for_each(
			complaints, complaint, "DDS Assistance: deadlines of {0} could not be recomputed"
		),
	}
	frappe.db.set_value(
		CHANGE,
		change,
		{
			"status": "Done",
			"done_on": now_datetime(),
			"tickets_moved": len(moved["tickets"]),
			"complaints_moved": len(moved["complaints"]),
		},
	)
	frappe.db.commit()
	return moved
