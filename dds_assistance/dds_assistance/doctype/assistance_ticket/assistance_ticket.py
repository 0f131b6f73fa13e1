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

from dds_assistance.context import clients
from dds_assistance.context.business_calendar import (
	get_business_calendar,
	in_system_time,
	system_aware,
)
from dds_assistance.context.terms_in_force import terms_in_force
from dds_assistance.core import sanctions as core_sanctions
from dds_assistance.core import sla as core_sla
from dds_assistance.core import terms as core_terms
from dds_assistance.core import tickets as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import ClientSuspendedError, field_label, throw_rule
from dds_assistance.integrations import einvoice
from dds_assistance.integrations.sales_invoice import make_ticket_invoice, payment_state

# R-TKT-2: the tariff and the terms in force when the request was made — recorded
# once, at receipt, for every request, and never changed
FROZEN_FIELDS = ("tariff_amount", "tariff_item", "cgv_reference", "cgu_version", "cgv_terms", "cgu_terms")
# what decides money or ownership, the due times and the decisions: changed only by
# the ticket's actions and the system's own events (R-TKT-1, R-TKT-4, R-TKT-7, R-TKT-10)
ACTION_FIELDS = (
	*FROZEN_FIELDS,
	"coverage",
	"coverage_reference",
	"sales_invoice",
	"is_paid",
	"outstanding_amount",
	"paid_on",
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
	"sla_notify_pending",
	"sla_extensions",
	"deadline_changes",
	"resolved_on",
	"closed_on",
	"terms_acceptance",
	"terms_accepted_on",
	"terms_accepted_by",
	"sender_verified",
	"sender_check",
	"acknowledged_on",
	"acknowledgement",
	"client_replied",
	"client_replied_on",
)
# given when the request is recorded, then changed only by an action: who the client
# is (R-TKT-1, R-TKT-11) and when the request arrived (R-TKT-10: the due time runs from it)
KEPT_FIELDS = ("customer", "received_at", "raised_by")
SLA_NOTIFIED = (core_sla.AT_RISK, core_sla.BREACHED)


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
		acknowledged_on: DF.Datetime | None
		acknowledgement: DF.SmallText | None
		cgu_version: DF.Data | None
		cgv_reference: DF.Data | None
		channel: DF.Literal["", "E-mail", "Web Form", "Phone", "Portal"]
		client_number: DF.Data | None
		client_replied: DF.Check
		client_replied_on: DF.Datetime | None
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
		sla_notify_pending: DF.Check
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

	def onload(self):
		"""The desk says when the invoice's e-invoice is still being made in the background."""
		if self.sales_invoice:
			self.set_onload("facturx_pending", einvoice.facturx_pending(self.sales_invoice))

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
				sender_held=self.sender_held(),
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
		"""Refuse the request with a reason (R-TKT-7); nothing is invoiced — the move
		itself is checked like any other (``validate_status_change``)."""
		self.flags.dds_action = True
		if self.is_late and (reason or "").strip():
			self.record_late_decision("Refused", reason)
		self.rejection_reason = (reason or "").strip()
		self.status = core.REJECTED
		self.save()
		return {"status": self.status}

	def sender_held(self) -> bool:
		"""An e-mail request whose sender our mail server did not authenticate."""
		return self.channel == "E-mail" and bool(self.sender_check) and not self.sender_verified

	def confirm_sender(self) -> dict:
		"""The agent confirmed with the client (by phone, from a known address …) that
		the e-mail is theirs: the request may now be accepted and invoiced."""
		if not self.sender_held():
			frappe.throw(_("The sender of this request needs no confirmation."), title=_("Not Allowed"))
		self.flags.dds_action = True
		self.sender_verified = 1
		self.sender_check = _("{0} — confirmed by {1} on {2}").format(
			self.sender_check, frappe.session.user, frappe.utils.format_datetime(now_datetime())
		)
		self.save()
		return {"sender_verified": self.sender_verified, "sender_check": self.sender_check}

	def set_client(self, customer: str) -> dict:
		"""Triage (R-TKT-1, R-TKT-11): the agent names the client of a request — an
		unknown sender, a wrong match — before it is accepted or invoiced. Its
		coverage is then decided for that client at the time of the request; its
		tariff and terms stay those of the request (R-TKT-2)."""
		try:
			core.check_client_change(self.status, self.sales_invoice)
		except RuleError as error:
			throw_rule(error)
		if not frappe.db.exists("Customer", customer):
			frappe.throw(
				_("Client {0} not found").format(frappe.bold(customer)), exc=frappe.DoesNotExistError
			)
		self.refuse_suspended_client(customer)
		self.flags.dds_action = True
		self.customer, self.contact, self.equipment = customer, None, None  # the equipment is the client's
		self.customer_name, self.client_number = frappe.db.get_value(
			"Customer", customer, ["customer_name", "dds_client_number"]
		)
		self.coverage = self.coverage_reference = None  # decided again below (freeze_at_receipt)
		self.save()
		return {"customer": self.customer, "coverage": self.coverage, "status": self.status}

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

	def note_reply(self, at, from_staff: bool = False):
		"""A message after the request (a mail threaded onto it, a portal reply): a
		client's shows on the ticket and in the list until the support team answers."""
		if self.client_replied or not core.reply_awaits_agent(self.status, from_staff):
			return
		self.db_set({"client_replied": 1, "client_replied_on": at})

	def note_support_answer(self):
		"""The support team answered: the client's last message is answered."""
		if self.client_replied:
			self.db_set({"client_replied": 0, "client_replied_on": None})

	def dds_invoice_ready(self):
		"""The ticket's invoice has its Factur-X PDF (``jobs.einvoices``): the Notification
		"DDS Ticket Acknowledged" (event "Method" on this method) mails the client the
		acknowledgement with the payment request and the invoice (R-TKT-4)."""

	def follow_payment(self):
		"""R-TKT-4: read the payment state again; the status follows it (opened when
		paid, locked back when no longer paid). Writes only what changes."""
		before = (self.status, self.is_paid, flt(self.outstanding_amount))
		paid = self.live_paid()
		self.status = core.status_after_payment_change(self.status, self.coverage, paid)
		if (self.status, self.is_paid, flt(self.outstanding_amount)) != before:
			self.flags.dds_action = self.flags.ignore_permissions = True
			self.save()

	# ------------------------------------------------------------------ protection
	def validate_protected_fields(self):
		"""R-TKT-2: what was frozen at receipt never changes; R-TKT-10 and R-TKT-4:
		due times, extensions, invoice link and decisions change only through the
		ticket's actions (never by editing the field, from desk or REST)."""
		guard_fields(
			self, action=ACTION_FIELDS, kept=KEPT_FIELDS, frozen=FROZEN_FIELDS, extra=self.incident_changes
		)

	def incident_changes(self, before) -> list[str]:
		"""R-TKT-7: which edits of the incident time are allowed is the core's to say."""
		refused = core.incident_change_refused(
			_moment(before.incident_at), _moment(self.incident_at), before.status, before.late_decision
		)
		return ["incident_at"] if refused else []

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

	def refuse_suspended_client(self, customer: str | None = None):
		"""R-SAN-2: a suspended client opens no ticket — from the desk, the API or the
		portal the request is refused with the reason; a mail is kept, refused."""
		if customer is None and (not self.is_new() or not self.customer):
			return
		customer = customer or self.customer
		suspension = clients.active_suspension(customer, self.received_at)
		if not suspension:
			return
		reason = _("The client {0} is suspended since {1} ({2}).").format(
			customer, frappe.utils.format_datetime(suspension.effective_from), _(suspension.breach)
		)
		by_mail = self.is_new() and bool(self.flags.ignore_mandatory and self.raised_by)  # e-mail intake
		if core_sanctions.suspended_request(by_mail) == core_sanctions.KEEP_REJECTED:
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
		try:
			if before is None or get_datetime(before.received_at) != get_datetime(self.received_at):
				core.check_receipt(get_datetime(self.received_at), now_datetime())
			core.check_incident_time(_moment(self.incident_at), get_datetime(self.received_at))
		except RuleError as error:
			throw_rule(_readable_times(error), title=_("Invalid Date"))

	# ------------------------------------------------------------------ R-TKT-1, R-TKT-2
	def freeze_at_receipt(self):
		"""R-TKT-2: the tariff and the terms in force when the request is made are
		recorded once, for every request; R-TKT-1: its coverage is decided as soon as
		its client is known — at receipt, or when an agent names the client."""
		if not self.cgv_reference:
			settings = frappe.get_cached_doc("Assistance Settings")
			in_force = terms_in_force(self.received_at)
			cgv, cgu = in_force["CGV"], in_force["CGU"]
			self.cgv_reference = cgv.reference if cgv else settings.cgv_reference
			self.cgu_version = cgu.version if cgu else settings.cgu_version
			self.cgv_terms = f"CGV-{cgv.version}" if cgv else None
			self.cgu_terms = f"CGU-{cgu.version}" if cgu else None
			self.tariff_amount = settings.ticket_price
			self.tariff_item = settings.ticket_item
		by_use = core_terms.acceptance_by_use(
			self.terms_acceptance, get_datetime(self.received_at), self.raised_by, self.customer
		)
		if by_use:
			self.terms_acceptance, self.terms_accepted_on, self.terms_accepted_by = (
				by_use.how,
				by_use.on,
				by_use.by,
			)
		if self.customer and not self.coverage:
			coverage = clients.coverage(self.customer, get_datetime(self.received_at))
			self.coverage, self.coverage_reference = coverage.kind, coverage.subscription

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
		"""R-TKT-7 on the site's calendar, as the core decides it."""
		late = core.is_late_request(
			get_business_calendar(),
			system_aware(self.incident_at) if self.incident_at else None,
			system_aware(self.received_at),
			frappe.get_cached_doc("Assistance Settings").request_window_hours,
			coverage=self.coverage,
		)
		self.is_late = 1 if late else 0

	def record_late_decision(self, decision: str, reason: str):
		"""R-TKT-7: the agent's explicit decision on a late request (who, when, why)."""
		self.late_decision, self.late_decision_reason = decision, reason.strip()
		self.late_decided_by, self.late_decided_on = frappe.session.user, now_datetime()

	# ------------------------------------------------------------------ R-TKT-9
	def set_response_target(self):
		"""Due time computed when the request is recorded (R-TIME-5); afterwards it
		moves only by an extension (R-TKT-10) or a recorded recomputation."""
		if not core_sla.target_set_at_receipt(self.is_new(), bool(self.response_due)):
			return  # the state is the sweep's and the first response's to move
		self.set_response_due(self.response_target(), get_datetime(self.received_at))

	def response_target(self):
		"""Receipt + N business hours on the site's calendar as it stands (R-TKT-9)."""
		settings = frappe.get_cached_doc("Assistance Settings")
		target = core_sla.response_target(
			get_business_calendar(),
			system_aware(self.received_at),
			settings.first_response_hours,
			settings.sla_warning_hours,
		)
		return in_system_time(target.due)

	def recompute_response_due(self, reason: str, source_doctype=None, source_name=None) -> bool:
		"""R-TIME-5, R-AVAIL-2: the calendar changed (a closure, new windows, a planned
		interruption announced or cancelled): the pending due time is computed again
		and a change is recorded on the ticket with its cause — never silent. A due
		time a manager extended (R-TKT-10) stands. Returns whether it moved."""
		if not core_sla.follows_calendar(
			responded=bool(self.first_responded_on),
			extended=bool(self.sla_extensions),
			clock_running=self.status in core.SLA_RUNNING_STATUSES,
		):
			return False
		due = self.response_target()
		if not self.response_due or due == get_datetime(self.response_due):
			return False
		self.flags.dds_action = self.flags.ignore_permissions = True
		self.append(
			"deadline_changes",
			{
				"deadline": "First Response",
				"previous_due": self.response_due,
				"new_due": due,
				"reason": reason,
				"source_doctype": source_doctype,
				"source_name": source_name,
				"changed_on": now_datetime(),
			},
		)
		self.set_response_due(due, get_datetime(self.received_at))
		self.save()
		return True

	def set_response_due(self, due, not_before):
		"""Due time, the warning time before it (never before ``not_before``) and the
		state they give now (R-TKT-9, R-TKT-10)."""
		settings = frappe.get_cached_doc("Assistance Settings")
		self.response_due = get_datetime(due)
		self.response_warn_at = in_system_time(
			core_sla.warning_time(
				get_business_calendar(),
				system_aware(self.response_due),
				system_aware(not_before),
				settings.first_response_hours,
				settings.sla_warning_hours,
			)
		)
		before = self.sla_status
		self.sla_status = core_sla.sla_state(
			now_datetime(),
			self.response_due,
			get_datetime(self.response_warn_at),
			get_datetime(self.first_responded_on) if self.first_responded_on else None,
		)
		if self.sla_status != before and self.sla_status in SLA_NOTIFIED and not self.first_responded_on:
			self.sla_notify_pending = 1  # told by the next SLA sweep (jobs.sla), whatever set it

	# ------------------------------------------------------------------ transitions
	def live_paid(self) -> bool:
		return self.read_payment().paid

	def read_payment(self) -> core.PaymentState:
		"""R-TKT-4: paid = the invoice is submitted, fully paid and not credited —
		read from the invoice now, never trusted from a cached flag."""
		state = payment_state(self.sales_invoice)
		if self.coverage != core.ON_DEMAND:
			return core.PaymentState(False, state.outstanding, state.reason)
		self.is_paid, self.outstanding_amount = int(state.paid), state.outstanding
		if state.paid and not self.paid_on:
			self.paid_on = now_datetime()
		elif not state.paid:
			self.paid_on = None
		return state

	def validate_status_change(self):
		before = self.get_doc_before_save()
		previous = before.status if before else core.NEW
		if before is None and self.status not in (core.NEW, core.INCOMPLETE):
			previous = core.NEW
		state = self.read_payment()
		if previous != self.status:
			try:
				core.check_transition(
					previous,
					self.status,
					coverage=self.coverage or core.ON_DEMAND,
					paid=state.paid,
					late=bool(self.is_late),
					late_accepted=self.late_decision == "Accepted",
					missing=self.missing(),
					reason=self.rejection_reason,
					live_invoice=self.sales_invoice if state.live else None,
				)
			except RuleError as error:
				throw_rule(error)

	def stamp_status_dates(self):
		"""When the ticket was resolved, and when it ended — closed, refused or
		cancelled: the intervention is over and its files' grace period runs (R-DATA-1);
		a client's message then awaits no answer (R-TKT-5: a new incident, a new request)."""
		now = now_datetime()
		if self.client_replied and not core.reply_awaits_agent(self.status, from_staff=False):
			self.client_replied, self.client_replied_on = 0, None
		if self.status == core.RESOLVED and not self.resolved_on:
			self.resolved_on = now
		if self.status in core.FINAL_STATUSES and not self.closed_on:
			self.closed_on = now


def on_doctype_update():
	"""The indexes of the hot queries on tickets, each with the query it serves."""
	frappe.db.add_index(
		"Assistance Ticket", ["sla_status", "response_due"]
	)  # the SLA sweep's breaches (jobs.sla)
	frappe.db.add_index("Assistance Ticket", ["sla_status", "response_warn_at"])  # the SLA sweep's warnings
	frappe.db.add_index("Assistance Ticket", ["sla_notify_pending"])  # the SLA notifications still to send
	frappe.db.add_index("Assistance Ticket", ["customer", "modified"])  # a client's tickets by last change
	frappe.db.add_index(
		"Assistance Ticket", ["customer", "received_at"]
	)  # the portal's list of a client's requests
	frappe.db.add_index(
		"Assistance Ticket", ["received_at"]
	)  # the accountant's period (reconciliation report)


def _moment(value):
	"""A stored date-time as a datetime (None stays None)."""
	return get_datetime(value) if value else None


def _readable_times(error: RuleError) -> RuleError:
	"""The times a refusal names, as the user reads them."""
	args = [frappe.utils.format_datetime(a) if hasattr(a, "hour") else a for a in error.args_]
	return RuleError(error.code, error.message, *args)
