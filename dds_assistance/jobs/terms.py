"""Background: inform the clients of a new terms version (R-TERMS-3), one batch of
clients per job (queued by ``TermsVersion.publish``; queued again by
``jobs.recovery`` while the version's ``notices_pending`` is set and its batches
stopped moving). Idempotent: a client already informed is skipped, and a notice
is unique per version and client; one commit per client."""

import frappe

from dds_assistance.background.runner import for_each


def inform_clients(terms_version: str, from_client: str | None = None, to_client: str | None = None) -> int:
	"""Inform the clients of this batch (names from ``from_client`` included to
	``to_client`` excluded) not informed yet. Returns how many were informed now."""
	doc = frappe.get_doc("Terms Version", terms_version)
	waiting = doc.clients_to_inform(from_client, to_client)
	premium = doc.premium_clients(waiting)
	informed = for_each(
		waiting,
		lambda customer: doc.notice(customer, customer in premium),
		"DDS Assistance: client {0} not informed of new terms",
	)
	doc.record_progress()
	frappe.db.commit()
	return len(informed)
