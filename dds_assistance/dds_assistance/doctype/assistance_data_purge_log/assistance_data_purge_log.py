# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""What the retention job removed, and when — never the content (R-DATA-1)."""

import frappe
from frappe import _
from frappe.model.document import Document


class AssistanceDataPurgeLog(Document):
	def validate(self):
		if not self.is_new():
			frappe.throw(_("The purge log cannot be changed."), title=_("Not Allowed"))

	def on_trash(self):
		frappe.throw(_("The purge log cannot be deleted."), title=_("Not Allowed"))
