# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document


class InterruptionNotice(Document):
	"""What one client was told of a planned interruption, and when (R-AVAIL-1)."""


def on_doctype_update():
	# one notice per client, interruption and kind: a job run twice at once mails once
	frappe.db.add_unique(
		"Interruption Notice",
		["interruption", "kind", "customer"],
		constraint_name="interruption_kind_customer",
	)
