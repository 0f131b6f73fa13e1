# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Premium Subscription: an annual plan of a client (R-SUB-1 … R-SUB-6).

The status, the current term, its notice deadline and the end are derived by
``core.subscriptions`` from the recorded facts (start, notice, non-renewal,
termination for breach) each time the document is saved or the daily job runs
``process``. Notices and terminations are recorded through the actions below.
"""

from datetime import date

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from dds_assistance.context import clients
from dds_assistance.context.terms_in_force import terms_in_force
from dds_assistance.core import subscriptions as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import RuleViolation, throw_rule
from dds_assistance.integrations.sales_invoice import make_invoice

ACTION_FIELDS = (
	*core.NOTICE_FIELDS,
	"breach_effective_on",
	"terminated_by",
	"breach_reason",
	"no_renewal_after",
	"cgv_terms",
	"cgu_terms",
	"terms",
	"terms_acceptance",
	"terms_accepted_on",
	"terms_accepted_by",
)
# given when the plan is made, then changed only by its actions (R-SUB-3: the renewal
# ends by a notice, never by unticking it)
KEPT_FIELDS = ("customer", "auto_renew")
SUBSCRIPTION_FIELD = "dds_premium_subscription"
TERM_FIELD = "dds_subscription_term"


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
		self.client_email = self.client_email or clients.client_email(self.customer)
		self.refresh_derived()

	def on_update(self):
		"""A new or changed subscription is brought up to date at once (first term invoiced)."""
		if not self.flags.dds_processing:
			frappe.get_doc(self.doctype, self.name).process()

	# ------------------------------------------------------------------ the daily rules (R-SUB-2, R-SUB-5)
	def process(self, today=None) -> core.DailyPlan:
		"""Apply the term rules today: invoice each begun term that has no invoice
		(in order), send the notice reminder, refresh the status. Idempotent: the row
		is locked and read again, and each term's invoice is looked up before one is made."""
		today = getdate(today or nowdate())
		self.flags.for_update = True
		self.load_from_db()  # the latest committed state, locked (a locking read, never a stale snapshot)
		plan = core.daily_plan(self.state(), today, reminder_days_setting())
		for term in plan.invoice_terms:
			self.term_row(term.index).update(
				{"term_start": term.start, "term_end": term.end, "sales_invoice": self.term_invoice(term)}
			)
		if plan.remind_term:
			self.send_notice_reminder(plan.remind_term)
			self.term_row(plan.remind_term.index).reminder_sent_on = today
		before = (self.status, str(self.current_term_end), len(self.terms))
		self.refresh_derived(today)
		if (
			plan.invoice_terms
			or plan.remind_term
			or before != (self.status, str(self.current_term_end), len(self.terms))
		):
			self.flags.dds_action = self.flags.dds_processing = True
			self.flags.ignore_permissions = True
			self.save()
		return plan

	def term_row(self, index: int):
		return next((r for r in self.terms if r.term_index == index), None) or self.append(
			"terms", {"term_index": index}
		)

	def term_invoice(self, term: core.Term) -> str:
		"""The term's one Sales Invoice (R-SUB-2): found if it exists, else made."""
		existing = frappe.db.get_value(
			"Sales Invoice",
			{SUBSCRIPTION_FIELD: self.name, TERM_FIELD: term.index, "docstatus": ("<", 2), "is_return": 0},
			for_update=True,
		)
		if existing:
			return existing
		return make_invoice(
			customer=self.customer,
			item=self.item,
			rate=self.annual_price,
			posting_date=term.start,
			links={SUBSCRIPTION_FIELD: self.name, TERM_FIELD: term.index},
			remarks=_("Premium subscription {0}, term {1} to {2}").format(
				self.name, frappe.utils.formatdate(term.start), frappe.utils.formatdate(term.end)
			),
		)

	def send_notice_reminder(self, term: core.Term):
		"""Remind the client of the notice deadline (R-SUB-5) through the standard
		Notification "DDS Notice Deadline Reminder", and note it on the subscription."""
		self.client_email = self.client_email or clients.client_email(self.customer)
		self.run_method("dds_notice_reminder")
		self.add_comment(
			"Info",
			_("Notice deadline reminder sent to {0}: the plan renews on {1}; notice by {2}.").format(
				self.client_email or "-",
				frappe.utils.formatdate(term.renewal),
				frappe.utils.formatdate(term.notice_deadline),
			),
		)

	# ------------------------------------------------------------------ actions (R-SUB-3, R-SUB-4, R-SUB-6)
	def give_notice(self, received_on, channel: str, reason: str, note: str | None = None) -> date:
		"""Check a written notice, record it (date, channel, reason, who) with the
		end it gives, and note it on the subscription. Returns that end."""
		if self.status not in (core.ACTIVE, core.SCHEDULED, core.SUSPENDED):
			frappe.throw(
				_("A notice can only be given on a live subscription without notice (status: {0}).").format(
					_(self.status)
				),
				title=_("Not Allowed"),
			)
		try:
			end = core.check_notice(
				getdate(self.start_date),
				getdate(received_on) if received_on else None,
				channel,
				reason,
				getdate(nowdate()),
			)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.update(
			{
				"notice_received_on": getdate(received_on),
				"notice_channel": channel,
				"notice_reason": reason,
				"notice_effective_end": end,
				"notice_recorded_by": frappe.session.user,
				"notice_note": (note or "").strip() or None,
			}
		)
		self.save()
		self.add_comment(
			"Info",
			_("Notice received on {0} by {1} ({2}): the subscription ends on {3}.").format(
				frappe.utils.formatdate(received_on), _(channel), _(reason), frappe.utils.formatdate(end)
			),
		)
		return end

	def withdraw_notice(self) -> None:
		"""Withdraw a notice before it takes effect; noted on the subscription."""
		try:
			core.check_withdrawal(
				getdate(self.notice_effective_end) if self.notice_effective_end else None, getdate(nowdate())
			)
		except RuleError as error:
			throw_rule(error)
		previous = self.notice_effective_end
		self.flags.dds_action = True
		for fieldname in core.NOTICE_FIELDS:
			self.set(fieldname, None)
		self.save()
		self.add_comment(
			"Info",
			_("Notice withdrawn by {0} (it would have ended the plan on {1}).").format(
				frappe.session.user, previous
			),
		)

	def terminate_for_breach(self, effective_on, reason: str, user: str) -> str:
		"""R-SUB-6: record a termination for breach (at once or from a date) and apply it."""
		if self.breach_effective_on:
			frappe.throw(_("This subscription is already terminated for breach."), title=_("Not Allowed"))
		self.flags.dds_action = True
		self.flags.ignore_permissions = True
		self.update(
			{
				"breach_effective_on": getdate(effective_on),
				"breach_reason": reason.strip(),
				"terminated_by": user,
			}
		)
		self.save()
		return self.status

	# ------------------------------------------------------------------ checks
	def validate_protected_fields(self):
		def start_moved(before) -> list[str]:
			moved = before.start_date and str(before.start_date) != str(self.start_date) and before.terms
			return ["start_date"] if moved else []

		guard_fields(
			self,
			action=ACTION_FIELDS,
			kept=KEPT_FIELDS,
			extra=start_moved,
			message=_(
				"To end a plan at its term, record the client's notice (Give Notice); a plan's "
				"renewal, client and recorded terms change only through the plan's actions."
			)
			if self.auto_renew_switched_off()
			else None,
		)

	def auto_renew_switched_off(self) -> bool:
		before = self.get_doc_before_save()
		return bool(before and before.auto_renew and not self.auto_renew)

	def validate_price(self):
		if (self.annual_price or 0) <= 0:
			frappe.throw(_("The annual price must be greater than zero."), title=_("Invalid Price"))

	def validate_one_live_subscription(self):
		"""One live subscription per client at a time."""
		other = frappe.db.get_value(
			"Premium Subscription",
			{"customer": self.customer, "name": ("!=", self.name), "status": ("in", core.LIVE_STATUSES)},
		)
		if other and self.status in core.LIVE_STATUSES + ("",):
			frappe.throw(
				_("Client {0} already has a live Premium subscription: {1}.").format(
					frappe.bold(self.customer), frappe.bold(other)
				),
				exc=RuleViolation,
				title=_("Duplicate Subscription"),
			)

	def apply_auto_renew_choice(self):
		"""A plan sold without renewal ends at the end of its first term. Once made, a
		plan ends only by the client's notice, with its 30-day rule (R-SUB-3), or a
		termination for breach (R-SUB-6): renewal is not switched off by hand."""
		if self.is_new() and not self.auto_renew and not self.no_renewal_after:
			today = getdate(nowdate())
			self.no_renewal_after = core.term_at(
				getdate(self.start_date), max(today, getdate(self.start_date))
			).end

	def record_terms(self):
		"""R-TERMS-1: the CGV and CGU in force when the plan was made, and the
		client's acceptance of them (CGU art. 1.3: using the service accepts them)."""
		if self.cgv_terms or self.cgu_terms or not self.is_new():
			return
		in_force = terms_in_force(self.start_date)
		self.cgv_terms = f"CGV-{in_force['CGV'].version}" if in_force["CGV"] else None
		self.cgu_terms = f"CGU-{in_force['CGU'].version}" if in_force["CGU"] else None
		if not self.terms_acceptance:
			self.terms_acceptance = "By use of the service (CGU 1.3)"
			self.terms_accepted_on = frappe.utils.now_datetime()
			self.terms_accepted_by = self.client_email or clients.client_email(self.customer) or self.customer

	# ------------------------------------------------------------------ derived
	def state(self) -> core.SubscriptionState:
		return core.SubscriptionState(
			start=getdate(self.start_date),
			no_renewal_after=_date(self.no_renewal_after),
			notice_end=_date(self.notice_effective_end),
			breach_on=_date(self.breach_effective_on),
			suspended=clients.is_suspended(self.customer),
			invoiced_terms=frozenset(row.term_index for row in self.terms if row.sales_invoice),
			reminded_terms=frozenset(row.term_index for row in self.terms if row.reminder_sent_on),
		)

	def refresh_derived(self, today: date | None = None):
		today = today or getdate(nowdate())
		state = self.state()
		self.status = core.status(state, today)
		current = core.term_at(state.start, max(today, state.start))
		self.current_term_start, self.current_term_end = current.start, current.end
		self.notice_deadline = current.notice_deadline
		self.ends_on = state.last_day()

	def coverage_facts(self, day: date):
		"""R-TKT-1 / R-SUB-1: what the ticket's coverage decision needs of this plan."""
		return core.coverage_facts(self.name, self.state(), _date(self.licence_valid_until), day)


def reminder_days_setting() -> int:
	value = frappe.get_cached_doc("Assistance Settings").subscription_reminder_days
	return 15 if value is None else max(int(value), 0)


def _date(value) -> date | None:
	return getdate(value) if value else None


def on_doctype_update():
	# the daily plan job's candidates (jobs.subscriptions)
	frappe.db.add_index("Premium Subscription", ["status", "current_term_end"])
