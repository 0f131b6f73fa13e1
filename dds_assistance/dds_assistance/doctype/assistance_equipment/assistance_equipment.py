# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class AssistanceEquipment(Document):
	def validate(self):
		self.serial_no = (self.serial_no or "").strip()
		self.reference = (self.reference or "").strip()
		duplicate = frappe.db.get_value(
			"Assistance Equipment",
			{"customer": self.customer, "serial_no": self.serial_no, "name": ("!=", self.name)},
		)
		if duplicate:
			frappe.throw(
				_("Client {0} already has equipment with serial number {1}: {2}.").format(
					frappe.bold(self.customer), frappe.bold(self.serial_no), duplicate
				),
				exc=frappe.DuplicateEntryError,
				title=_("Duplicate Equipment"),
			)


def on_doctype_update():
	# one record of a client's equipment per serial number
	frappe.db.add_unique(
		"Assistance Equipment", ["customer", "serial_no"], constraint_name="customer_serial_no"
	)
