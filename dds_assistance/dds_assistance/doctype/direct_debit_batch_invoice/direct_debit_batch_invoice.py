# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

from frappe.model.document import Document


class DirectDebitBatchInvoice(Document):
	pass
