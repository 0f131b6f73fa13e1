import frappe


def execute():
	"""Sites installed before the setting existed get its default (15 days)."""
	if frappe.db.get_single_value("Assistance Settings", "subscription_reminder_days") in (None, ""):
		frappe.db.set_single_value("Assistance Settings", "subscription_reminder_days", 15)
