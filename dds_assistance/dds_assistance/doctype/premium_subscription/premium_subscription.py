# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Premium Subscription: an annual plan of a client (R-SUB-1 … R-SUB-6).

The status, the current term, its notice deadline and the end are derived by
``core.subscriptions`` from the recorded facts (start, notice, non-renewal,
termination for breach) each time the document is saved or the daily job runs.
Notices and terminations are recorded through ``api.subscription`` only.
"""

from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from dds_assistance.core import subscriptions as core
from dds_assistance.lookups import client_email, terms_in_force
from dds_assistance.protection import guard_action_fields

ACTION_FIELDS = [
	*core.NOTICE_FIELDS,
	"breach_effective_on",
	"terminated_by",
	"breach_reason",
	"no_renewal_after",
	"cgv_terms",
	"cgu_terms",
]
LIVE_STATUSES = (core.SCHEDULED, core.ACTIVE, core.NOTICE_GIVEN, core.SUSPENDED)


class SubscriptionRuleViolation(frappe.ValidationError):
	pass


class PremiumSubscription(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dds_assistance.dds_assistance.doctype.premium_subscription_term.premium_subscription_term import (
			PremiumSubscriptionTerm,
		)

		annual_price: DF.Currency
		auto_renew: DF.Check
		breach_effective_on: DF.Date | None
		breach_reason: DF.SmallText | None
		current_term_end: DF.Date | None
		current_term_start: DF.Date | None
		customer: DF.Link
		customer_name: DF.Data | None
		ends_on: DF.Date | None
		item: DF.Link
		licence_valid_until: DF.Date | None
		no_renewal_after: DF.Date | None
		notice_channel: DF.Literal["", "Portal", "E-mail", "Letter"]
		notice_deadline: DF.Date | None
		notice_effective_end: DF.Date | None
		notice_note: DF.SmallText | None
		notice_reason: DF.Literal["", "Client decision", "Refusal of new terms"]
		notice_received_on: DF.Date | None
		notice_recorded_by: DF.Link | None
		start_date: DF.Date
		status: DF.Literal[
			"Scheduled", "Active", "Notice Given", "Ended", "Terminated for Breach", "Suspended"
		]
		terms: DF.Table[PremiumSubscriptionTerm]
		terminated_by: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_protected_fields()
		self.validate_price()
		self.validate_one_live_subscription()
		self.apply_auto_renew_choice()
		self.record_terms()
		self.client_email = self.client_email or client_email(self.customer)
		self.refresh_derived()

	def record_terms(self):
		"""R-TERMS-1: the CGV and CGU in force when the plan was made."""
		if self.cgv_terms or self.cgu_terms or not self.is_new():
			return
		in_force = terms_in_force(self.start_date)
		self.cgv_terms = f"CGV-{in_force['CGV'].version}" if in_force["CGV"] else None
		self.cgu_terms = f"CGU-{in_force['CGU'].version}" if in_force["CGU"] else None

	# ------------------------------------------------------------------ checks
	def validate_protected_fields(self):
		def structural_changes(before) -> list[str]:
			changed = []
			if [(r.term_index, r.sales_invoice) for r in before.terms] != [
				(r.term_index, r.sales_invoice) for r in self.terms
			]:
				changed.append("terms")
			if before.start_date and str(before.start_date) != str(self.start_date) and before.terms:
				changed.append("start_date")
			return changed

		if guard_action_fields(self, ACTION_FIELDS, SubscriptionRuleViolation, structural_changes) is None:
			if not self.flags.dds_action:
				self.terms = []

	def validate_price(self):
		if (self.annual_price or 0) <= 0:
			frappe.throw(_("The annual price must be greater than zero."), title=_("Invalid Price"))

	def validate_one_live_subscription(self):
		"""One live subscription per client at a time."""
		other = frappe.db.get_value(
			"Premium Subscription",
			{"customer": self.customer, "name": ("!=", self.name), "status": ("in", LIVE_STATUSES)},
		)
		if other and self.status in LIVE_STATUSES + ("",):
			frappe.throw(
				_("Client {0} already has a live Premium subscription: {1}.").format(
					frappe.bold(self.customer), frappe.bold(other)
				),
				exc=SubscriptionRuleViolation,
				title=_("Duplicate Subscription"),
			)

	def apply_auto_renew_choice(self):
		"""Switching renewal off ends the plan at the end of the current term."""
		if self.auto_renew:
			self.no_renewal_after = None
		elif not self.no_renewal_after:
			today = getdate(nowdate())
			self.no_renewal_after = core.term_at(
				getdate(self.start_date), max(today, getdate(self.start_date))
			).end

	# ------------------------------------------------------------------ derived
	def state(self) -> core.SubscriptionState:
		return core.SubscriptionState(
			start=getdate(self.start_date),
			no_renewal_after=_date(self.no_renewal_after),
			notice_end=_date(self.notice_effective_end),
			breach_on=_date(self.breach_effective_on),
			suspended=self.is_suspended(),
			invoiced_terms=frozenset(row.term_index for row in self.terms if row.sales_invoice),
			reminded_terms=frozenset(row.term_index for row in self.terms if row.reminder_sent_on),
		)

	def is_suspended(self) -> bool:
		"""Sanctions (R-SAN-2) register an ``assistance_is_suspended`` hook."""
		return any(
			frappe.get_attr(path)(self.customer) for path in frappe.get_hooks("assistance_is_suspended")
		)

	def refresh_derived(self, today: date | None = None):
		today = today or getdate(nowdate())
		state = self.state()
		self.status = core.status(state, today)
		current = core.term_at(state.start, max(today, state.start))
		self.current_term_start, self.current_term_end = current.start, current.end
		self.notice_deadline = current.notice_deadline
		self.ends_on = state.last_day()


def _date(value) -> date | None:
	return getdate(value) if value else None


# ---------------------------------------------------------------------------- R-TKT-1 coverage
def subscription_facts(customer: str, at) -> list:
	"""The coverage facts of the client's subscriptions (hook ``assistance_subscription_facts``)."""
	day = getdate(at)
	facts = []
	for name in frappe.get_all(
		"Premium Subscription", filters={"customer": customer, "start_date": ("<=", day)}, pluck="name"
	):
		doc = frappe.get_doc("Premium Subscription", name)
		facts.append(core.coverage_facts(doc.name, doc.state(), _date(doc.licence_valid_until), day))
	return facts


def on_doctype_update():
	"""The daily job's candidates: live plans by their term end."""
	frappe.db.add_index("Premium Subscription", ["status", "current_term_end"])
