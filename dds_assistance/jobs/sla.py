"""Every 5 minutes: first-response warnings and breaches (R-TKT-9), then their
notifications (the standard Notifications "DDS First Response At Risk" to the
assignees and "DDS First Response Breached" to the managers).

A state change and the duty to notify it are written together (the ticket's
``sla_notify_pending``), so a notification is never lost — a worker killed, the
queue restarted — nor sent twice: the notifications run in the background and
each clears its ticket's flag in the transaction that queues its mail; whatever
is left is sent by the next sweep."""

import frappe
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import for_each
from dds_assistance.core import sla as core_sla
from dds_assistance.core import tickets as core

TICKET = "Assistance Ticket"
# the notification methods (Notification event "Method") of each new state
SLA_METHODS = {core_sla.AT_RISK: "dds_sla_at_risk", core_sla.BREACHED: "dds_sla_breached"}
# new state, the time column that brings it, the states it replaces
PLAN = (
	(core_sla.BREACHED, "response_due", core_sla.PENDING_STATES),
	(core_sla.AT_RISK, "response_warn_at", (core_sla.ON_TRACK,)),
)


def pending(column: str, states, now):
	"""Tickets without a first response whose ``column`` time has come, in one of
	``states`` (indexed by ``(sla_status, column)``)."""
	ticket = frappe.qb.DocType(TICKET)
	return (
		frappe.qb.from_(ticket)
		.select(ticket.name, ticket.sla_status, ticket.response_due)
		.where(
			ticket.sla_status.isin(list(states))
			& (ticket[column] <= now)
			& ticket.first_responded_on.isnull()
			& ticket.status.notin(list(core.FINAL_STATUSES))
		)
	)


def sweep_response_sla(now=None) -> dict[str, list[str]]:
	"""Mark breaches and warnings. Writes only the rows whose state changes, each
	with a guarded update (``… and sla_status = <what was read>``) committed on its
	own: running it twice, or twice at once, changes and notifies each ticket once."""
	now = get_datetime(now) if now else now_datetime()
	changed: dict[str, list[str]] = {}
	for new_state, column, states in PLAN:
		rows = pending(column, states, now).run(as_dict=True)
		if new_state == core_sla.AT_RISK:
			rows = [
				row for row in rows if get_datetime(row.response_due) > now
			]  # the breach pass took the others

		def mark(row, new_state=new_state):
			ticket = frappe.qb.DocType(TICKET)
			(
				frappe.qb.update(ticket)
				.set(ticket.sla_status, new_state)
				.set(ticket.sla_notify_pending, 1)
				.where(
					(ticket.name == row.name)
					& (ticket.sla_status == row.sla_status)
					& ticket.first_responded_on.isnull()
				)
			).run()
			return row.name if frappe.db._cursor.rowcount else None  # None: another run got there first

		changed[new_state] = for_each(rows, mark, "DDS Assistance: SLA sweep failed for {0}")
	if any(changed.values()) or frappe.db.exists(TICKET, {"sla_notify_pending": 1}):
		frappe.enqueue(notify_pending, queue="short", now=bool(frappe.flags.in_test))
	return changed


def notify_pending() -> list[str]:
	"""Background: one notification per ticket whose state change is not yet
	notified — of the state it is in now — committed per ticket together with
	clearing its flag (a guarded update: two runs at once notify it once)."""

	def notify(name):
		ticket = frappe.qb.DocType(TICKET)
		frappe.qb.update(ticket).set(ticket.sla_notify_pending, 0).where(
			(ticket.name == name) & (ticket.sla_notify_pending == 1)
		).run()
		if not frappe.db._cursor.rowcount:
			return None  # another run took it
		doc = frappe.get_doc(TICKET, name)
		method = SLA_METHODS.get(doc.sla_status) if not doc.first_responded_on else None
		if method:
			doc.run_method(method)
		return name

	names = frappe.get_all(TICKET, filters={"sla_notify_pending": 1}, pluck="name")
	return for_each(names, notify, "DDS Assistance: SLA notification failed for {0}")
