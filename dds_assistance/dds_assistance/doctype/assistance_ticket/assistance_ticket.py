# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Ticket: one request for one incident (R-TKT-1 … R-TKT-11).

Orchestration only: every decision is the core's (``core.tickets``,
``core.sla``); this controller feeds it the document's facts, carries out what
it decides (through ``integrations`` for ERPNext documents) and turns its
refusals into translated messages. The desk and portal endpoints call the
actions below (``accept``, ``refuse`` …) after their permission check.
"""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, get_datetime, now_datetime

from dds_assistance import clients, indexes
from dds_assistance.business_calendar import (
	add_business_hours,
	business_hours_between,
	subtract_business_hours,
)
from dds_assistance.core import sla as core_sla
from dds_assistance.core import tickets as core
from dds_assistance.core.errors import RuleError
from dds_assistance.errors import ClientSuspendedError, field_label, throw_rule
from dds_assistance.field_guards import guard_fields
from dds_assistance.integrations.sales_invoice import make_ticket_invoice, payment_state
from dds_assistance.terms import terms_in_force

# R-TKT-2: set once at receipt, then frozen
FROZEN_FIELDS = (
	"coverage",
	"coverage_reference",
	"tariff_amount",
	"tariff_item",
	"cgv_reference",
	"cgu_version",
)
# changed only by the ticket's actions and the system's own events
ACTION_FIELDS = (
	"sales_invoice",
	"late_decision",
	"late_decided_by",
	"late_decided_on",
	"late_decision_reason",
	"rejection_reason",
	"accepted_by",
	"accepted_on",
	"first_responded_on",
	"response_due",
	"response_warn_at",
	"sla_status",
	"sla_extensions",
)


class AssistanceTicket(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dds_assistance.dds_assistance.doctype.assistance_sla_extension.assistance_sla_extension import (
			AssistanceSLAExtension,
		)

		accepted_by: DF.Link | None
		accepted_on: DF.Datetime | None
		cgu_version: DF.Data | None
		cgv_reference: DF.Data | None
		channel: DF.Literal["", "E-mail", "Web Form", "Phone", "Portal"]
		client_number: DF.Data | None
		closed_on: DF.Datetime | None
		contact: DF.Link | None
		coverage: DF.Literal["", "On-demand", "Premium"]
		coverage_reference: DF.Data | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		description: DF.TextEditor | None
		equipment: DF.Link | None
		equipment_reference: DF.Data | None
		first_responded_on: DF.Datetime | None
		incident_at: DF.Datetime | None
		is_late: DF.Check
		is_paid: DF.Check
		late_decided_by: DF.Link | None
		late_decided_on: DF.Datetime | None
		late_decision: DF.Literal["", "Accepted", "Refused"]
		late_decision_reason: DF.SmallText | None
		missing_information: DF.SmallText | None
		naming_series: DF.Literal["TKT-.YYYY.-"]
		outstanding_amount: DF.Currency
		paid_on: DF.Datetime | None
		raised_by: DF.Data | None
		received_at: DF.Datetime
		rejection_reason: DF.SmallText | None
		resolution: DF.TextEditor | None
		resolved_on: DF.Datetime | None
		response_due: DF.Datetime | None
		response_warn_at: DF.Datetime | None
		sales_invoice: DF.Link | None
		serial_no: DF.Data | None
		sla_extensions: DF.Table[AssistanceSLAExtension]
		sla_status: DF.Literal["", "On Track", "At Risk", "Breached", "Met"]
		status: DF.Literal[
			"Incomplete",
			"New",
			"Awaiting Payment",
			"Open",
			"In Progress",
			"Waiting on Client",
			"Resolved",
			"Closed",
			"Rejected",
			"Cancelled",
		]
		subject: DF.Data
		tariff_amount: DF.Currency
		tariff_item: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_protected_fields()
		self.set_intake_defaults()
		self.set_customer_from_sender()
		self.refuse_suspended_client()
		self.set_reply_address()
		self.set_equipment()
		self.validate_incident_time()
		self.freeze_at_receipt()
		self.set_completeness()
		self.set_late_flag()
		self.set_response_target()
		self.validate_status_change()
		self.stamp_status_dates()

	def on_update(self):
		self.remember_equipment()

	def on_trash(self):
		if frappe.db.exists("Remote Session", {"ticket": self.name}):
			frappe.throw(
				_("This ticket has remote sessions whose history is kept as evidence: it cannot be deleted."),
				title=_("Not Allowed"),
			)

	# ------------------------------------------------------------------ actions
	def accept(self, reason: str | None = None) -> dict:
		"""Accept the request (R-TKT-3, R-TKT-7, R-ACC-1) as ``core.plan_accept`` decides."""
		try:
			plan = core.plan_accept(
				self.status,
				self.coverage or core.ON_DEMAND,
				late=bool(self.is_late),
				late_accepted=self.late_decision == "Accepted",
				reason=reason,
				missing=self.missing(),
			)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		if plan.record_late_acceptance:
			self.record_late_decision("Accepted", reason)
		if plan.invoice:
			self.sales_invoice = make_ticket_invoice(self)
		if plan.target:
			self.status = plan.target
			self.accepted_by, self.accepted_on = frappe.session.user, now_datetime()
			if self.live_paid():  # e.g. paid at the counter with the invoice
				self.status = core.status_after_payment_change(self.status, self.coverage, True)
		self.save()
		return {"status": self.status, "sales_invoice": self.sales_invoice}

	def refuse(self, reason: str) -> dict:
		"""Refuse the request with a reason (R-TKT-7); nothing is invoiced."""
		submitted = self.sales_invoice and frappe.db.get_value(
			"Sales Invoice", self.sales_invoice, "docstatus"
		)
		live = self.sales_invoice if submitted == 1 else None
		try:
			core.check_refusal(reason, live)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		if self.is_late:
			self.record_late_decision("Refused", reason)
		self.rejection_reason = reason.strip()
		self.status = core.REJECTED
		self.save()
		return {"status": self.status}

	def extend_response_due(self, new_due, reason: str, note: str) -> dict:
		"""R-TKT-10: a new first-response due time with a reason from the terms'
		list and a note, recorded on the ticket (the caller checks the manager)."""
		try:
			core_sla.check_extension(
				get_datetime(self.response_due),
				new_due,
				reason,
				note,
				responded=bool(self.first_responded_on),
			)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.append(
			"sla_extensions",
			{
				"previous_due": self.response_due,
				"new_due": new_due,
				"reason": reason,
				"note": note.strip(),
				"extended_by": frappe.session.user,
				"extended_on": now_datetime(),
			},
		)
		self.set_response_due(new_due, now_datetime())
		self.save()
		return {"response_due": self.response_due, "sla_status": self.sla_status}

	def record_first_response(self, at) -> dict:
		"""R-TKT-9: the first outgoing reply (or the explicit action) stamps the
		response time once; the SLA becomes Met, or stays Breached if it was late."""
		if not self.first_responded_on:
			self.first_responded_on = at
			self.sla_status = core_sla.sla_state(
				get_datetime(at),
				get_datetime(self.response_due),
				get_datetime(self.response_warn_at),
				get_datetime(at),
			)
			self.flags.dds_action = True
			self.flags.ignore_permissions = True
			self.save()
		return {"sla_status": self.sla_status, "first_responded_on": self.first_responded_on}

	def describe_from_mail(self, content: str | None):
		"""A ticket created from an e-mail takes the mail's body as its description,
		so the request is complete or shows what is missing (R-TKT-8)."""
		if self.description or not content:
			return
		self.description = content
		self.flags.ignore_permissions = True
		self.flags.ignore_mandatory = True
		self.save()

	def follow_payment(self):
		"""R-TKT-4: read the payment state again; the status follows it (opened when
		paid, locked back when no longer paid). Writes only what changes."""
		before = (self.status, self.is_paid, flt(self.outstanding_amount))
		paid = self.live_paid()
		self.status = core.status_after_payment_change(self.status, self.coverage, paid)
		if (self.status, self.is_paid, flt(self.outstanding_amount)) != before:
			self.flags.ignore_permissions = True
			self.save()

	# ------------------------------------------------------------------ protection
	def validate_protected_fields(self):
		"""R-TKT-2: what was frozen at receipt never changes; R-TKT-10 and R-TKT-4:
		due times, extensions, invoice link and decisions change only through the
		ticket's actions (never by editing the field, from desk or REST)."""
		guard_fields(self, action=ACTION_FIELDS + FROZEN_FIELDS, frozen=FROZEN_FIELDS)

	# ------------------------------------------------------------------ intake
	def set_intake_defaults(self):
		if not self.received_at:
			self.received_at = now_datetime()
		if not self.channel and self.flags.ignore_mandatory and self.raised_by:
			self.channel = "E-mail"  # created by an Email Account's incoming mail (R-TKT-6)
		if not self.subject and self.description:
			self.subject = core._plain_text(self.description)[:140]

	def set_customer_from_sender(self):
		"""Match an e-mail sender to a Contact and its Customer; an unknown sender
		stays without customer (Incomplete) for an agent to triage."""
		if self.customer or not self.raised_by:
			return
		match = clients.customer_for_email(self.raised_by)
		if match:
			self.customer, contact = match
			self.contact = self.contact or contact
			self.customer_name, self.client_number = frappe.db.get_value(
				"Customer", self.customer, ["customer_name", "dds_client_number"]
			)

	def set_reply_address(self):
		"""Desk and portal requests get the client's address, so that notifications reach them."""
		if not self.raised_by and self.customer:
			self.raised_by = clients.client_email(self.customer, self.contact)

	def refuse_suspended_client(self):
		"""R-SAN-2: a suspended client opens no ticket — from the desk, the API or the
		portal the request is refused with the reason; a mail is kept, refused."""
		if not self.is_new() or not self.customer:
			return
		suspension = clients.active_suspension(self.customer, self.received_at)
		if not suspension:
			return
		reason = _("The client {0} is suspended since {1} ({2}).").format(
			self.customer, frappe.utils.format_datetime(suspension.effective_from), _(suspension.breach)
		)
		if self.flags.ignore_mandatory and self.raised_by:  # e-mail intake: keep the mail, refuse the request
			self.status = core.REJECTED
			self.rejection_reason = reason
			self.flags.dds_action = True
			return
		frappe.throw(reason, exc=ClientSuspendedError, title=_("Client Suspended"))

	def set_equipment(self):
		"""R-TKT-8: equipment picked from the client's known list, or typed in."""
		if self.equipment:
			known = frappe.db.get_value(
				"Assistance Equipment", self.equipment, ["customer", "serial_no", "reference"], as_dict=True
			)
			if known and self.customer and known.customer != self.customer:
				frappe.throw(
					_("Equipment {0} belongs to another client.").format(frappe.bold(self.equipment)),
					title=_("Wrong Equipment"),
				)
			if known:
				self.serial_no = self.serial_no or known.serial_no
				self.equipment_reference = self.equipment_reference or known.reference
		elif self.customer and self.serial_no:
			self.equipment = frappe.db.get_value(
				"Assistance Equipment", {"customer": self.customer, "serial_no": self.serial_no.strip()}
			)

	def remember_equipment(self):
		"""Remember the client's equipment so the next request can pick it."""
		if self.equipment or not (self.customer and self.serial_no and self.equipment_reference):
			return
		equipment = frappe.get_doc(
			{
				"doctype": "Assistance Equipment",
				"customer": self.customer,
				"serial_no": self.serial_no.strip(),
				"reference": self.equipment_reference.strip(),
			}
		).insert(ignore_permissions=True)
		self.db_set("equipment", equipment.name, update_modified=False)

	def validate_incident_time(self):
		before = self.get_doc_before_save()
		if before is None or get_datetime(before.received_at) != get_datetime(self.received_at):
			try:
				core.check_receipt(get_datetime(self.received_at), now_datetime())
			except RuleError as error:
				throw_rule(error, title=_("Invalid Date"))
		if self.incident_at and get_datetime(self.incident_at) > get_datetime(self.received_at):
			throw_rule(
				RuleError(
					"incident_after_receipt",
					"The incident ({0}) cannot be after the receipt of the request ({1}).",
					frappe.utils.format_datetime(self.incident_at),
					frappe.utils.format_datetime(self.received_at),
				)
			)

	# ------------------------------------------------------------------ R-TKT-1, R-TKT-2
	def freeze_at_receipt(self):
		"""Coverage, tariff and terms are decided once, at receipt, and never change."""
		if self.coverage or not self.customer:
			return
		coverage = clients.coverage(self.customer, get_datetime(self.received_at))
		self.coverage = coverage.kind
		self.coverage_reference = coverage.subscription
		settings = frappe.get_cached_doc("Assistance Settings")
		in_force = terms_in_force(self.received_at)
		cgv, cgu = in_force["CGV"], in_force["CGU"]
		self.cgv_reference = cgv.reference if cgv else settings.cgv_reference
		self.cgu_version = cgu.version if cgu else settings.cgu_version
		self.cgv_terms = f"CGV-{cgv.version}" if cgv else None
		self.cgu_terms = f"CGU-{cgu.version}" if cgu else None
		if coverage.kind == core.ON_DEMAND:
			self.tariff_amount = settings.ticket_price
			self.tariff_item = settings.ticket_item

	# ------------------------------------------------------------------ R-TKT-8
	def missing(self) -> list[str]:
		return core.missing_request_information(
			customer=self.customer,
			client_number=self.client_number,
			serial_no=self.serial_no,
			equipment_reference=self.equipment_reference,
			description=self.description,
		)

	def set_completeness(self):
		missing = self.missing()
		self.missing_information = ", ".join(field_label(key) for key in missing) or None
		if self.status == core.NEW and missing:
			self.status = core.INCOMPLETE
		elif self.status == core.INCOMPLETE and not missing:
			self.status = core.NEW

	# ------------------------------------------------------------------ R-TKT-7
	def set_late_flag(self):
		"""The 24-business-hour window of CGV art. 5 applies to on-demand tickets."""
		if not self.incident_at or self.coverage != core.ON_DEMAND:
			self.is_late = 0
			return
		window = frappe.get_cached_doc("Assistance Settings").request_window_hours
		late = business_hours_between(self.incident_at, self.received_at).total_seconds() > window * 3600
		self.is_late = 1 if late else 0

	def record_late_decision(self, decision: str, reason: str):
		"""R-TKT-7: the agent's explicit decision on a late request (who, when, why)."""
		self.late_decision, self.late_decision_reason = decision, reason.strip()
		self.late_decided_by, self.late_decided_on = frappe.session.user, now_datetime()

	# ------------------------------------------------------------------ R-TKT-9
	def set_response_target(self):
		"""Due time computed when the receipt time changes (R-TIME-5); an extension
		(R-TKT-10) is the only other way it moves."""
		before = self.get_doc_before_save()
		if (
			self.response_due
			and before
			and get_datetime(before.received_at) == get_datetime(self.received_at)
		):
			return  # unchanged: the state is the sweep's and the first response's to move
		if self.sla_extensions:
			return
		settings = frappe.get_cached_doc("Assistance Settings")
		self.set_response_due(
			add_business_hours(self.received_at, settings.first_response_hours),
			get_datetime(self.received_at),
		)

	def set_response_due(self, due, not_before):
		"""Due time, the warning time before it (never before ``not_before``) and the
		state they give now (R-TKT-9, R-TKT-10)."""
		settings = frappe.get_cached_doc("Assistance Settings")
		warning = min(settings.sla_warning_hours, settings.first_response_hours)
		self.response_due = get_datetime(due)
		self.response_warn_at = max(
			subtract_business_hours(self.response_due, warning), get_datetime(not_before)
		)
		self.sla_status = core_sla.sla_state(
			now_datetime(),
			self.response_due,
			get_datetime(self.response_warn_at),
			get_datetime(self.first_responded_on) if self.first_responded_on else None,
		)

	# ------------------------------------------------------------------ transitions
	def live_paid(self) -> bool:
		"""R-TKT-4: paid = the invoice is submitted, fully paid and not credited —
		read from the invoice now, never trusted from a cached flag."""
		if self.coverage != core.ON_DEMAND:
			return False
		state = payment_state(self.sales_invoice)
		self.is_paid, self.outstanding_amount = int(state.paid), state.outstanding
		if state.paid and not self.paid_on:
			self.paid_on = now_datetime()
		elif not state.paid:
			self.paid_on = None
		return state.paid

	def validate_status_change(self):
		before = self.get_doc_before_save()
		previous = before.status if before else core.NEW
		if before is None and self.status not in (core.NEW, core.INCOMPLETE):
			previous = core.NEW
		paid = self.live_paid()
		if previous != self.status:
			self.check_move(previous, self.status, paid)

	def check_move(self, current: str, target: str, paid: bool):
		"""The core's decision on this ticket's move, refused as a translated error."""
		try:
			core.check_transition(
				current,
				target,
				coverage=self.coverage or core.ON_DEMAND,
				paid=paid,
				late=bool(self.is_late),
				late_accepted=self.late_decision == "Accepted",
				missing=self.missing(),
			)
		except RuleError as error:
			throw_rule(error)

	def stamp_status_dates(self):
		now = now_datetime()
		if self.status == core.RESOLVED and not self.resolved_on:
			self.resolved_on = now
		if self.status == core.CLOSED and not self.closed_on:
			self.closed_on = now


def on_doctype_update():
	indexes.ensure("Assistance Ticket")
