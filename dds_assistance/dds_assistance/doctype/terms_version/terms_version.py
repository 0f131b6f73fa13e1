# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms Version (R-TERMS-1 … R-TERMS-3): a version of the CGV or the CGU."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate

from dds_assistance.core import conduct
from dds_assistance.core.tickets import TicketRuleError


class TermsVersion(Document):
	def validate(self):
		try:
			conduct.check_terms_version(
				self.kind,
				self.reference,
				self.version_label,
				getdate(self.publication_date) if self.publication_date else None,
				getdate(self.effective_date) if self.effective_date else None,
			)
		except TicketRuleError as error:
			frappe.throw(_(error.message).format(*error.args_), title=_("Invalid Terms Version"))
		before = self.get_doc_before_save()
		if before and before.published_on and not self.flags.dds_action:
			if any(
				str(before.get(f) or "") != str(self.get(f) or "")
				for f in (
					"kind",
					"reference",
					"version_label",
					"publication_date",
					"effective_date",
					"published_on",
				)
			):
				frappe.throw(
					_("Clients were informed of this version: it can no longer change."),
					title=_("Not Allowed"),
				)

	def on_trash(self):
		if (
			self.published_on
			or frappe.db.exists("Assistance Ticket", {"cgv_terms": self.name})
			or frappe.db.exists("Assistance Ticket", {"cgu_terms": self.name})
		):
			frappe.throw(_("This version applies to recorded services: it is kept."), title=_("Not Allowed"))
