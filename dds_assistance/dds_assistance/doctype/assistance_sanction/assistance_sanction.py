# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Sanction (R-SAN-1, R-SAN-2, CGU art. 5): a recorded breach and its
sanction — immediate suspension (without prior notice for a serious breach), or
termination of the subscription for breach (R-SUB-6). Kept as history: lifted,
never deleted."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime

from dds_assistance.core import sanctions as core
from dds_assistance.core.errors import RuleError
from dds_assistance.core.subscriptions import LIVE_STATUSES
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import throw_rule
from dds_assistance.integrations.customer import show_suspension

RECORDED_FIELDS = ("customer", "breach", "sanction", "effective_from")
ACTION_FIELDS = ("lifted_on", "lifted_by", "lift_reason", "status", "recorded_by", "subscription")


class AssistanceSanction(Document):
	def validate(self):
		try:
			core.check_sanction(self.breach, self.sanction, self.facts)
		except RuleError as error:
			throw_rule(error, title=_("Invalid Sanction"))
		before = guard_fields(
			self,
			action=ACTION_FIELDS,
			frozen=RECORDED_FIELDS,
			message=_("A sanction is kept as recorded; lift it instead of changing it."),
		)
		if before is None:
			self.record()

	def record(self):
		self.recorded_by = frappe.session.user
		self.status = core.ACTIVE
		if self.sanction == core.TERMINATION:
			self.subscription = frappe.db.get_value(
				"Premium Subscription", {"customer": self.customer, "status": ("in", LIVE_STATUSES)}
			)
			if not self.subscription:
				frappe.throw(
					_("Client {0} has no live Premium subscription to terminate.").format(self.customer),
					title=_("Invalid Sanction"),
				)

	def on_update(self):
		"""A sanction takes effect at once: a termination goes through the
		subscription's breach path (R-SUB-6), the client's record shows the
		suspension and its plans show Suspended."""
		if self.sanction == core.TERMINATION and self.subscription:
			plan = frappe.get_doc("Premium Subscription", self.subscription)
			if not plan.breach_effective_on:
				plan.terminate_for_breach(
					getdate(self.effective_from), f"{_(self.breach)}: {self.facts}", self.recorded_by
				)
		show_suspension(self.customer)
		for name in frappe.get_all(
			"Premium Subscription",
			filters={"customer": self.customer, "status": ("in", LIVE_STATUSES)},
			pluck="name",
		):
			frappe.get_doc("Premium Subscription", name).process()

	def on_trash(self):
		frappe.throw(_("Sanctions are kept as history: lift it instead."), title=_("Not Allowed"))

	def lift(self, reason: str) -> dict:
		"""R-SAN-2: a manager lifts the sanction (who, when, why); it stays in history."""
		try:
			core.check_lift(bool(self.lifted_on), reason)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.update(
			{
				"lifted_on": now_datetime(),
				"lifted_by": frappe.session.user,
				"lift_reason": reason.strip(),
				"status": core.LIFTED,
			}
		)
		self.save()
		return {"status": self.status}
