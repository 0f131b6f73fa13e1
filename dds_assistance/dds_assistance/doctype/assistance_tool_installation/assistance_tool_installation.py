# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance tools installed at a client (R-RS-8, CGU art. 6)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, nowdate


class AssistanceToolInstallation(Document):
	def validate(self):
		if self.client_answer and not self.answered_on:
			self.answered_on = getdate(nowdate())
		if self.client_answer and not self.uninstall_requested_on:
			frappe.throw(
				_("Record the client's answer after asking them to uninstall the tool."),
				title=_("Not Allowed"),
			)
