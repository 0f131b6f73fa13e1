"""The indexes of the hot queries, each with the query it serves. A doctype's
``on_doctype_update`` (which Frappe calls after every migrate) ensures its own."""

import frappe

INDEXES: dict[str, list[tuple[list[str], str]]] = {
	"Assistance Ticket": [
		(["sla_status", "response_due"], "the SLA sweep's breaches (jobs.sla)"),
		(["sla_status", "response_warn_at"], "the SLA sweep's warnings (jobs.sla)"),
		(["sla_notify_pending"], "the SLA notifications still to send (jobs.sla)"),
		(["customer", "modified"], "a client's tickets by last change"),
		(["customer", "received_at"], "the portal's list of a client's requests"),
		(["received_at"], "the accountant's period (reconciliation report)"),
	],
	"Remote Session": [
		(["status", "authorised_end"], "the expiry of sessions past their time (jobs.sessions)"),
	],
	"Premium Subscription": [
		(["status", "current_term_end"], "the daily plan job's candidates (jobs.subscriptions)"),
	],
}
UNIQUE: dict[str, list[tuple[list[str], str]]] = {
	"Assistance Equipment": [(["customer", "serial_no"], "customer_serial_no")],
	# one notice per client, interruption and kind: a job run twice at once mails once
	"Interruption Notice": [(["interruption", "kind", "customer"], "interruption_kind_customer")],
}


def ensure(doctype: str) -> None:
	for columns, _query in INDEXES.get(doctype, ()):
		frappe.db.add_index(doctype, columns)
	for columns, constraint in UNIQUE.get(doctype, ()):
		frappe.db.add_unique(doctype, columns, constraint_name=constraint)
