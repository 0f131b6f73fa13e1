# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Sanction (R-SAN-1, R-SAN-2, CGU art. 5): a recorded breach and its
sanction — immediate suspension (without prior notice for a serious breach), or
termination of the subscription for breach. Kept as history: lifted, never deleted."""

import frappe
from frappe import _
from frappe.model.document import Document

from dds_assistance.core import conduct
from dds_assistance.core.tickets import TicketRuleError

LIFT_FIELDS = ["lifted_on", "lifted_by", "lift_reason", "status", "recorded_by", "subscription"]


class AssistanceSanction(Document):
	def validate(self):
		try:
			conduct.check_sanction(self.breach, self.sanction, self.facts)
		except TicketRuleError as error:
			frappe.throw(
				_(error.message).format(*[_(a) if isinstance(a, str) else a for a in error.args_]),
				title=_("Invalid Sanction"),
			)
		before = self.get_doc_before_save()
		if before is None:
			self.recorded_by = frappe.session.user
			self.lifted_on = self.lifted_by = self.lift_reason = None
			self.status = "Active"
			if self.sanction == "Termination of the subscription":
				self.subscription = frappe.db.get_value(
					"Premium Subscription",
					{
						"customer": self.customer,
						"status": ("in", ["Scheduled", "Active", "Notice Given", "Suspended"]),
					},
				)
				if not self.subscription:
					frappe.throw(
						_("Client {0} has no live Premium subscription to terminate.").format(self.customer),
						title=_("Invalid Sanction"),
					)
			return
		if not self.flags.dds_action:
			changed = [
				f
				for f in LIFT_FIELDS + ["customer", "breach", "sanction", "effective_from"]
				if str(before.get(f) or "") != str(self.get(f) or "")
			]
			if changed:
				frappe.throw(
					_("A sanction is kept as recorded; lift it instead of changing it."),
					title=_("Not Allowed"),
				)

	def on_trash(self):
		frappe.throw(_("Sanctions are kept as history: lift it instead."), title=_("Not Allowed"))
