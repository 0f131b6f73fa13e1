"""Daily: remove the files of tickets ended (closed, refused or cancelled) past the
grace period — attached to the ticket, to its e-mails and to its remote sessions —
unless the client agreed to their retention (R-DATA-1). A log keeps what went and
when, never the content."""

import frappe
from frappe.query_builder.functions import IfNull
from frappe.utils import add_days, getdate, now_datetime, nowdate
from pypika.terms import ExistsCriterion

from dds_assistance.background.runner import for_each
from dds_assistance.core import retention as core
from dds_assistance.core.tickets import FINAL_STATUSES

FILE_FIELDS = ["name", "file_name", "file_size", "attached_to_doctype", "attached_to_name"]
TICKET = "Assistance Ticket"


def records_of(ticket: str) -> list[tuple[str, list[str]]]:
	"""What a ticket's files may hang on: the ticket, its e-mails, its sessions."""
	return [
		(TICKET, [ticket]),
		(
			"Communication",
			frappe.get_all(
				"Communication", filters={"reference_doctype": TICKET, "reference_name": ticket}, pluck="name"
			),
		),
		("Remote Session", frappe.get_all("Remote Session", filters={"ticket": ticket}, pluck="name")),
	]


def ended_tickets_with_files(before):
	"""Tickets ended before ``before`` that still have files, on them, on their
	e-mails or on their remote sessions."""
	ticket, file = frappe.qb.DocType(TICKET), frappe.qb.DocType("File")
	session, mail = frappe.qb.DocType("Remote Session"), frappe.qb.DocType("Communication")
	sessions_of_ticket = frappe.qb.from_(session).select(session.name).where(session.ticket == ticket.name)
	mails_of_ticket = (
		frappe.qb.from_(mail)
		.select(mail.name)
		.where((mail.reference_doctype == TICKET) & (mail.reference_name == ticket.name))
	)
	has_files = (
		frappe.qb.from_(file)
		.select(file.name)
		.where(
			((file.attached_to_doctype == TICKET) & (file.attached_to_name == ticket.name))
			| (
				(file.attached_to_doctype == "Remote Session")
				& file.attached_to_name.isin(sessions_of_ticket)
			)
			| ((file.attached_to_doctype == "Communication") & file.attached_to_name.isin(mails_of_ticket))
		)
	)
	ended_on = IfNull(ticket.closed_on, ticket.modified)  # tickets ended before the date was stamped
	return (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.customer, ended_on.as_("closed_on"))
		.where(ticket.status.isin(list(FINAL_STATUSES)) & (ended_on < before) & ExistsCriterion(has_files))
	)


def purge_closed_ticket_files(today=None) -> dict[str, int]:
	"""Commits per ticket; a second run finds nothing left."""
	today = getdate(today or nowdate())
	grace = frappe.get_cached_doc("Assistance Settings").retention_days or 0

	def purge(ticket):
		frappe.db.get_value("Assistance Ticket", ticket.name, "name", for_update=True)
		agreed = bool(frappe.db.get_value("Customer", ticket.customer, "dds_retention_agreement"))
		if not core.purge_due(ticket.closed_on, grace, today, agreed):
			return None
		files = [
			file
			for doctype, names in records_of(ticket.name)
			if names
			for file in frappe.get_all(
				"File",
				filters={"attached_to_doctype": doctype, "attached_to_name": ("in", names)},
				fields=FILE_FIELDS,
			)
		]
		for file in files:
			frappe.delete_doc("File", file.name, ignore_permissions=True, force=True)
			frappe.get_doc(
				{
					"doctype": "Assistance Data Purge Log",
					"ticket": ticket.name,
					"customer": ticket.customer,
					"attached_to": f"{file.attached_to_doctype} {file.attached_to_name}",
					"file_name": file.file_name,
					"file_size": file.file_size,
					"removed_on": now_datetime(),
				}
			).insert(ignore_permissions=True)
		return len(files)

	tickets = ended_tickets_with_files(add_days(today, -grace + 1)).run(as_dict=True)
	purged = for_each(tickets, purge, "DDS Assistance: files of {0} could not be purged")
	return {"tickets": len(purged), "files": sum(purged)}
