"""Daily: remove the files of tickets closed past the grace period, and of their
remote sessions, unless the client agreed to their retention (R-DATA-1). A log
keeps what went and when, never the content."""

import frappe
from frappe.utils import add_days, getdate, now_datetime, nowdate
from pypika.terms import ExistsCriterion

from dds_assistance.core import retention as core
from dds_assistance.jobs import for_each

FILE_FIELDS = ["name", "file_name", "file_size", "attached_to_doctype", "attached_to_name"]


def closed_tickets_with_files(before):
	"""Closed tickets (closed before ``before``) that still have files, on them or
	on their remote sessions."""
	ticket, file, session = (frappe.qb.DocType(d) for d in ("Assistance Ticket", "File", "Remote Session"))
	sessions_of_ticket = frappe.qb.from_(session).select(session.name).where(session.ticket == ticket.name)
	has_files = (
		frappe.qb.from_(file)
		.select(file.name)
		.where(
			((file.attached_to_doctype == "Assistance Ticket") & (file.attached_to_name == ticket.name))
			| (
				(file.attached_to_doctype == "Remote Session")
				& file.attached_to_name.isin(sessions_of_ticket)
			)
		)
	)
	return (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.customer, ticket.closed_on)
		.where(
			(ticket.status == "Closed")
			& ticket.closed_on.isnotnull()
			& (ticket.closed_on < before)
			& ExistsCriterion(has_files)
		)
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
		sessions = frappe.get_all("Remote Session", filters={"ticket": ticket.name}, pluck="name")
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Assistance Ticket", "attached_to_name": ticket.name},
			fields=FILE_FIELDS,
		)
		if sessions:
			files += frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Remote Session", "attached_to_name": ("in", sessions)},
				fields=FILE_FIELDS,
			)
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

	tickets = closed_tickets_with_files(add_days(today, -grace + 1)).run(as_dict=True)
	purged = for_each(tickets, purge, "DDS Assistance: files of {0} could not be purged")
	return {"tickets": len(purged), "files": sum(purged)}
