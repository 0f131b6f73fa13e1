"""Daily: each active SEPA mandate's state read again (#29) — revoked from the day its
revocation takes effect, expired 36 months after its last collection (or its
signature). Selected from the current state: a second run changes nothing."""

import frappe
from frappe.utils import getdate, nowdate

from dds_assistance.background.runner import for_each
from dds_assistance.core import sepa_debit as core


def refresh_mandate_states(today=None) -> dict[str, int]:
	today = getdate(today or nowdate())
	names = frappe.get_all("SEPA Mandate", filters={"status": core.ACTIVE}, pluck="name", order_by="name")

	def refresh(name):
		doc = frappe.get_doc("SEPA Mandate", name, for_update=True)
		before = doc.status
		doc.refresh_status(today)
		if doc.status == before:
			return None
		doc.db_set({"status": doc.status, "expires_on": doc.expires_on})
		return doc.status

	changed = for_each(names, refresh, "DDS Assistance: SEPA mandate {0} could not be refreshed")
	return {"mandates": len(names), "changed": len(changed)}
