"""Background: tell the clients of a planned interruption, or of its cancellation
(R-AVAIL-1). Idempotent: a client already told of it is skipped (and a notice is
unique per interruption, kind and client); one commit per client. Until it has
run, the interruption's ``notices_pending`` names the kind, for ``jobs.recovery``."""

import frappe

from dds_assistance.background.runner import for_each


def inform_clients(interruption: str, kind: str) -> int:
	doc = frappe.get_doc("Planned Interruption", interruption)
	told = set(
		frappe.get_all(
			"Interruption Notice", filters={"interruption": interruption, "kind": kind}, pluck="customer"
		)
	)
	waiting = sorted(set(doc.clients_to_tell(kind)) - told)
	for_each(
		waiting,
		lambda customer: doc.notice(kind, customer).name,
		"DDS Assistance: client {0} not told of an interruption",
	)
	informed = frappe.db.count("Interruption Notice", {"interruption": interruption, "kind": "Announcement"})
	values = {"informed_clients": informed}
	if doc.notices_pending == kind:
		values["notices_pending"] = None  # done: nothing for jobs.recovery to resume
	frappe.db.set_value("Planned Interruption", interruption, values, update_modified=False)
	frappe.db.commit()
	return informed
