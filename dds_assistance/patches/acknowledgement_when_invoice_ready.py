"""The acknowledgement of an on-demand ticket (with the payment request and the
invoice, R-TKT-4) is mailed once the invoice's Factur-X PDF is attached by the
worker — the ticket's ``dds_invoice_ready`` — instead of when the ticket turns
"Awaiting Payment" in the request. Existing sites get the new trigger unless a
manager changed it."""

import frappe

NAME = "DDS Ticket Acknowledged"


def execute():
	trigger = frappe.db.get_value("Notification", NAME, ["event", "value_changed"])
	if trigger and tuple(trigger) == ("Value Change", "status"):
		frappe.db.set_value(
			"Notification", NAME, {"event": "Method", "method": "dds_invoice_ready", "value_changed": None}
		)
		frappe.cache.hdel("notifications", "Assistance Ticket")
