# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Remote Session: one remote take-over, consented to by the client for this
session only, time-boxed, run by an authorised technician (R-RS-1 … R-RS-7).

The actions below are called by ``api.remote_session`` once it knows who acts;
every step writes an entry in the append-only history (Remote Session Log). A
session is never deleted: its history is evidence (R-RS-4)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import now_datetime

from dds_assistance.context import clients
from dds_assistance.context.staff import is_authorised_technician
from dds_assistance.core import remote_sessions as core
from dds_assistance.core import tickets as core_tickets
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import changed_fields, guard_fields
from dds_assistance.guards.refusals import SessionStartRefused, throw_rule
from dds_assistance.integrations.customer import suspension_reason

ACTION_FIELDS = (
	"status",
	"current_scope",
	"consent_method",
	"consented_by",
	"consent_user",
	"consented_at",
	"consent_recorded_by",
	"consent_ip",
	"consent_note",
	*core.CHECKLIST,
	"started_at",
	"authorised_end",
	"ended_at",
	"end_reason",
)
# what was proposed, fixed once the session is consented to
PROPOSAL_FIELDS = ("ticket", "technician", "purpose", "tool", "requested_minutes")


class RemoteSession(Document):
	def validate(self):
		self.validate_protected_fields()
		settings = frappe.get_cached_doc("Assistance Settings")
		if not self.requested_minutes:
			self.requested_minutes = settings.session_default_minutes or 60
		try:
			self.requested_minutes = core.check_duration(
				self.requested_minutes, settings.session_max_minutes or 240
			)
		except RuleError as error:
			throw_rule(error, title=_("Invalid Duration"))
		if self.is_new():
			self.status = core.REQUESTED
			self.current_scope = self.purpose
			self.customer, raised_by, ticket_status = frappe.db.get_value(
				"Assistance Ticket", self.ticket, ["customer", "raised_by", "status"]
			)
			self.refuse_on_closed_ticket(ticket_status)
			self.client_email = self.client_email or raised_by or clients.client_email(self.customer)
			if not self.customer:
				frappe.throw(_("The ticket has no client yet."), title=_("Client Required"))

	def validate_protected_fields(self):
		def proposal_fixed(before) -> list[str]:
			return changed_fields(before, self, PROPOSAL_FIELDS) if core.proposal_fixed(before.status) else []

		before = self.get_doc_before_save()
		if before is not None:  # a new session is made by a technician's proposal, as it is
			guard_fields(self, action=ACTION_FIELDS, extra=proposal_fixed)

	def after_insert(self):
		self.record_event(
			core.EV_REQUESTED,
			_("Scope: {0}; tool: {1}; duration: {2} min").format(
				self.purpose, self.tool, self.requested_minutes
			),
		)

	def on_trash(self):
		frappe.throw(
			_("A remote session is never deleted: its connection history is kept as evidence."),
			title=_("Not Allowed"),
		)

	def record_event(self, event: str, details: str | None = None, actor: str | None = None) -> None:
		"""Write one entry of the connection history (R-RS-4)."""
		frappe.get_doc(
			{
				"doctype": "Remote Session Log",
				"session": self.name,
				"event": event,
				"at": now_datetime(),
				"actor": actor or frappe.session.user,
				"origin_ip": getattr(frappe.local, "request_ip", None),
				"ticket": self.ticket,
				"customer": self.customer,
				"details": details,
			}
		).insert(ignore_permissions=True)

	# ------------------------------------------------------------------ actions
	def refuse_if_suspended(self):
		"""R-SAN-2: no consent and no session for a suspended client; staff see why."""
		if clients.is_suspended(self.customer):
			frappe.throw(
				" ".join((_(core.START_REFUSALS["suspended"]), suspension_reason(self.customer))),
				title=_("Not Allowed"),
			)

	def refuse_on_closed_ticket(self, ticket_status: str | None = None):
		try:
			core.check_ticket_takes_sessions(
				ticket_status or frappe.db.get_value("Assistance Ticket", self.ticket, "status")
			)
		except RuleError as error:
			throw_rule(error)

	def consent(self, method: str, checklist: dict, note: str | None, by_client: bool, person: str) -> dict:
		"""R-RS-1, R-RS-2: consent for this one session with the four confirmations —
		the client's own click on the portal, or e-mail / phone recorded by staff."""
		self.refuse_if_suspended()
		self.refuse_on_closed_ticket()
		try:
			core.check_consent(self.status, method, checklist, note, by_client)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.update({key: 1 for key in core.CHECKLIST})
		self.update(
			{
				"status": core.CONSENTED,
				"consent_method": method,
				"consented_by": person,
				"consent_user": frappe.session.user if by_client else None,
				"consented_at": now_datetime(),
				"consent_recorded_by": frappe.session.user,
				"consent_ip": getattr(frappe.local, "request_ip", None),
				"consent_note": (note or "").strip() or None,
			}
		)
		self.save(ignore_permissions=by_client)
		self.record_event(
			core.EV_CONSENTED, _("By {0} ({1}); checklist confirmed.").format(person, _(method))
		)
		return {"status": self.status}

	def start(self) -> dict:
		"""Start if every condition holds (R-RS-1, R-RS-6, R-RS-7, R-SAN-2); otherwise
		the refusal names each missing condition and is kept in the history."""
		now = now_datetime()
		ticket = frappe.get_doc("Assistance Ticket", self.ticket)
		facts = core.StartFacts(
			status=self.status,
			consented=bool(self.consented_at) and all(self.get(key) for key in core.CHECKLIST),
			technician_authorised=frappe.session.user == self.technician
			and is_authorised_technician(frappe.session.user, now),
			client_suspended=clients.is_suspended(self.customer),
			coverage=ticket.coverage or core_tickets.ON_DEMAND,
			ticket_paid=ticket.live_paid(),
			subscription_active=clients.coverage(self.customer, now).kind == core_tickets.PREMIUM,
			ticket_status=ticket.status,
		)
		refusals = core.start_refusals(facts)
		if refusals:
			reasons = [_(core.START_REFUSALS[code]).format(_(self.status)) for code in refusals]
			if "suspended" in refusals:
				reasons.append(suspension_reason(self.customer))
			self.record_event(core.EV_REFUSED, "; ".join(reasons))
			frappe.db.commit()  # the refused attempt stays in the history (R-RS-4)
			frappe.throw(
				_("The session cannot start:") + "<ul>" + "".join(f"<li>{r}</li>" for r in reasons) + "</ul>",
				exc=SessionStartRefused,
				title=_("Not Allowed"),
			)
		self.flags.dds_action = True
		self.status = core.IN_PROGRESS
		self.started_at = now
		self.authorised_end = core.authorised_end(now, self.requested_minutes)
		self.save()
		self.record_event(
			core.EV_STARTED,
			_("Authorised until {0}.").format(frappe.utils.format_datetime(self.authorised_end)),
		)
		return {"status": self.status, "authorised_end": self.authorised_end}

	def extend_scope(self, new_scope: str, instruction_by: str, instruction: str) -> dict:
		"""R-RS-5: widen the scope on the client's express instruction, recorded first."""
		try:
			core.check_scope_extension(self.status, new_scope, instruction_by, instruction)
		except RuleError as error:
			throw_rule(error)
		self.record_event(
			core.EV_SCOPE,
			_("Instruction from {0}: {1} — new scope: {2}").format(
				instruction_by.strip(), instruction.strip(), new_scope.strip()
			),
		)
		self.flags.dds_action = True
		self.current_scope = f"{self.current_scope}\n+ {new_scope.strip()}"
		self.save()
		return {"current_scope": self.current_scope}

	def end(self, note: str | None = None) -> dict:
		"""The technician ends the session before its authorised end."""
		try:
			core.check_end(self.status)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.status, self.ended_at, self.end_reason = core.ENDED, now_datetime(), (note or "").strip() or None
		self.save()
		self.record_event(core.EV_ENDED, self.end_reason)
		return {"status": self.status}

	def cancel_proposal(self, reason: str) -> dict:
		try:
			core.check_cancel(self.status, reason)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.status, self.end_reason = core.CANCELLED, reason.strip()
		self.save()
		self.record_event(core.EV_CANCELLED, self.end_reason)
		return {"status": self.status}


def on_doctype_update():
	# the expiry of sessions past their time (jobs.sessions)
	frappe.db.add_index("Remote Session", ["status", "authorised_end"])
