"""Every 5 minutes: first-response warnings and breaches (R-TKT-9), then their
notifications (the standard Notifications "DDS First Response At Risk" to the
assignees and "DDS First Response Breached" to the managers)."""

import frappe
from frappe.utils import get_datetime, now_datetime

from dds_assistance.core import sla as core_sla
from dds_assistance.core import tickets as core
from dds_assistance.jobs import for_each

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
				.where(
					(ticket.name == row.name)
					& (ticket.sla_status == row.sla_status)
					& ticket.first_responded_on.isnull()
				)
			).run()
			return row.name if frappe.db._cursor.rowcount else None  # None: another run got there first

		changed[new_state] = for_each(rows, mark, "DDS Assistance: SLA sweep failed for {0}")
	if any(changed.values()):
		# only this run changed these rows, so only this run notifies them
		frappe.enqueue(notify_sla_changes, queue="short", changed=changed, now=bool(frappe.flags.in_test))
	return changed


def notify_sla_changes(changed: dict[str, list[str]]) -> None:
	"""Background: one notification per ticket and state change; committed per ticket."""
	for state, names in changed.items():

		def notify(name, state=state):
			if frappe.db.exists(TICKET, name):
				frappe.get_doc(TICKET, name).run_method(SLA_METHODS[state])

		for_each(names, notify, "DDS Assistance: SLA notification failed for {0}")
