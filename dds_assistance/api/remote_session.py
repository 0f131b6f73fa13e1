"""Remote session actions (R-RS-1 … R-RS-8). Each endpoint checks who may act first,
and every step is written to the append-only history."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, now_datetime, nowdate

from dds_assistance import lookups
from dds_assistance.api._common import locked_doc, require_manager
from dds_assistance.core import remote_sessions as core
from dds_assistance.core import tickets as core_tickets
from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import get_coverage, throw_rule
from dds_assistance.dds_assistance.doctype.remote_session.remote_session import append_log
from dds_assistance.dds_assistance.doctype.technician_authorisation.technician_authorisation import (
	is_authorised,
)
from dds_assistance.integrations.mail import mail_client
from dds_assistance.permissions import customers_of, is_staff


class SessionStartRefused(frappe.ValidationError):
	pass


def _session(name: str, ptype: str = "write"):
	return locked_doc("Remote Session", name, ptype)


def suspension_reason(customer: str) -> str:
	"""R-SAN-2: staff see why the client is suspended on every refusal."""
	return frappe.db.get_value("Customer", customer, "dds_suspension_reason") or ""


def is_suspended(customer: str) -> bool:
	"""R-SAN-2: the client is under a suspension now."""
	return lookups.is_suspended(customer)


@frappe.whitelist(methods=["POST"])
def propose(ticket: str, purpose: str, tool: str, minutes: int | None = None) -> str:
	"""A technician proposes a session on a ticket: declared scope, tool, duration."""
	frappe.has_permission("Remote Session", "create", throw=True)
	frappe.get_doc("Assistance Ticket", ticket).check_permission("read")
	doc = frappe.get_doc(
		{
			"doctype": "Remote Session",
			"ticket": ticket,
			"technician": frappe.session.user,
			"purpose": purpose,
			"tool": tool,
			"requested_minutes": cint(minutes) or None,
		}
	).insert()
	return doc.name


def _apply_consent(doc, method: str, checklist: dict, note: str | None, by_client: bool, person: str):
	try:
		core.check_consent(doc.status, method, checklist, note, by_client)
	except core_tickets.TicketRuleError as error:
		throw_rule(error)
	doc.update({key: 1 for key in core.CHECKLIST})
	doc.update(
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
	doc.save(ignore_permissions=by_client)
	append_log(doc, core.EV_CONSENTED, _("By {0} ({1}); checklist confirmed.").format(person, _(method)))
	return {"status": doc.status}


def _checklist(*answers) -> dict:
	"""The four confirmations, in the order of ``core.CHECKLIST``."""
	return {key: bool(cint(value)) for key, value in zip(core.CHECKLIST, answers, strict=True)}


@frappe.whitelist(methods=["POST"])
def consent(
	session: str,
	check_backup: int = 0,
	check_apps_closed: int = 0,
	check_reachable: int = 0,
	check_connection: int = 0,
) -> dict:
	"""R-RS-1, R-RS-2: the client's own click on the portal, for this session only."""
	doc = _session(session, "read")
	if is_staff() or doc.customer not in customers_of():
		raise frappe.PermissionError(_("Only the client can consent to their remote session."))
	if is_suspended(doc.customer):
		frappe.throw(
			" ".join((_(core.START_REFUSALS["suspended"]), suspension_reason(doc.customer))),
			title=_("Not Allowed"),
		)
	checklist = _checklist(check_backup, check_apps_closed, check_reachable, check_connection)
	person = frappe.utils.get_fullname(frappe.session.user)
	return _apply_consent(doc, "Portal", checklist, None, True, person)


@frappe.whitelist(methods=["POST"])
def record_consent(
	session: str,
	method: str,
	consented_by: str,
	note: str,
	check_backup: int = 0,
	check_apps_closed: int = 0,
	check_reachable: int = 0,
	check_connection: int = 0,
) -> dict:
	"""R-RS-1: consent given by e-mail or phone, recorded by staff with a note."""
	doc = _session(session)
	if not is_staff():
		raise frappe.PermissionError(_("Consent by e-mail or phone is recorded by support staff."))
	if not (consented_by or "").strip():
		frappe.throw(_("Name the person who gave consent."), title=_("Consent"))
	if is_suspended(doc.customer):
		frappe.throw(
			" ".join((_(core.START_REFUSALS["suspended"]), suspension_reason(doc.customer))),
			title=_("Not Allowed"),
		)
	checklist = _checklist(check_backup, check_apps_closed, check_reachable, check_connection)
	return _apply_consent(doc, method, checklist, note, False, consented_by.strip())


@frappe.whitelist(methods=["POST"])
def start(session: str) -> dict:
	"""Start the session if every condition holds (R-RS-1, R-RS-6, R-RS-7, R-SAN-2);
	otherwise the refusal names each missing condition and is kept in the history."""
	doc = _session(session)
	now = now_datetime()
	ticket = frappe.get_doc("Assistance Ticket", doc.ticket)
	facts = core.StartFacts(
		status=doc.status,
		consented=bool(doc.consented_at) and all(doc.get(key) for key in core.CHECKLIST),
		technician_authorised=frappe.session.user == doc.technician
		and is_authorised(frappe.session.user, now),
		client_suspended=is_suspended(doc.customer),
		coverage=ticket.coverage or core_tickets.ON_DEMAND,
		ticket_paid=ticket.live_paid(),
		subscription_active=get_coverage(doc.customer, now).kind == core_tickets.PREMIUM,
	)
	refusals = core.start_refusals(facts)
	if refusals:
		reasons = [_(core.START_REFUSALS[code]).format(_(doc.status)) for code in refusals]
		if "suspended" in refusals:
			reasons.append(suspension_reason(doc.customer))
		append_log(doc, core.EV_REFUSED, "; ".join(reasons))
		frappe.db.commit()  # the refused attempt stays in the history (R-RS-4)
		frappe.throw(
			_("The session cannot start:") + "<ul>" + "".join(f"<li>{r}</li>" for r in reasons) + "</ul>",
			exc=SessionStartRefused,
			title=_("Not Allowed"),
		)
	doc.status = core.IN_PROGRESS
	doc.started_at = now
	doc.authorised_end = core.authorised_end(now, doc.requested_minutes)
	doc.save()
	append_log(
		doc,
		core.EV_STARTED,
		_("Authorised until {0}.").format(frappe.utils.format_datetime(doc.authorised_end)),
	)
	return {"status": doc.status, "authorised_end": doc.authorised_end}


@frappe.whitelist(methods=["POST"])
def extend_scope(session: str, new_scope: str, instruction_by: str, instruction: str) -> dict:
	"""R-RS-5: widen the scope on the client's express instruction, recorded first."""
	doc = _session(session)
	try:
		core.check_scope_extension(doc.status, new_scope, instruction_by, instruction)
	except core_tickets.TicketRuleError as error:
		throw_rule(error)
	append_log(
		doc,
		core.EV_SCOPE,
		_("Instruction from {0}: {1} — new scope: {2}").format(
			instruction_by.strip(), instruction.strip(), new_scope.strip()
		),
	)
	doc.current_scope = f"{doc.current_scope}\n+ {new_scope.strip()}"
	doc.save()
	return {"current_scope": doc.current_scope}


@frappe.whitelist(methods=["POST"])
def end(session: str, note: str | None = None) -> dict:
	"""The technician ends the session before its authorised end."""
	doc = _session(session)
	if doc.status != core.IN_PROGRESS:
		frappe.throw(_("Only a session in progress can be ended."), title=_("Not Allowed"))
	doc.status, doc.ended_at, doc.end_reason = core.ENDED, now_datetime(), (note or "").strip() or None
	doc.save()
	append_log(doc, core.EV_ENDED, doc.end_reason)
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def cancel(session: str, reason: str) -> dict:
	doc = _session(session)
	if doc.status not in (core.REQUESTED, core.CONSENTED):
		frappe.throw(_("Only a session that has not started can be cancelled."), title=_("Not Allowed"))
	if not (reason or "").strip():
		frappe.throw(_("Give the reason for cancelling."), title=_("Reason Required"))
	doc.status, doc.end_reason = core.CANCELLED, reason.strip()
	doc.save()
	append_log(doc, core.EV_CANCELLED, doc.end_reason)
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def revoke_authorisation(authorisation: str, reason: str) -> dict:
	"""R-RS-6: a manager revokes a technician authorisation; the revocation stays."""
	require_manager(_("Only an Assistance Manager can revoke an authorisation."))
	doc = frappe.get_doc("Technician Authorisation", authorisation)
	if doc.revoked_on:
		frappe.throw(_("This authorisation is already revoked."), title=_("Not Allowed"))
	if not (reason or "").strip():
		frappe.throw(_("Give the reason for the revocation."), title=_("Reason Required"))
	doc.flags.dds_action = True
	doc.update(
		{"revoked_on": now_datetime(), "revoked_by": frappe.session.user, "revocation_reason": reason.strip()}
	)
	doc.save()
	return {"revoked_on": doc.revoked_on}


@frappe.whitelist(methods=["POST"])
def ask_tool_uninstall(installation: str) -> dict:
	"""R-RS-8: ask the client to uninstall a tool they no longer need."""
	doc = frappe.get_doc("Assistance Tool Installation", installation)
	doc.check_permission("write")
	doc.uninstall_requested_on = getdate(nowdate())
	doc.save()
	recipients = mail_client(
		doc,
		_("Please uninstall the assistance tool {0}").format(doc.tool),
		_(
			"Our intervention is over. Unless you still need it, please uninstall the assistance tool {0} "
			"and tell us when it is done (CGU art. 6.3)."
		).format(doc.tool),
	)
	return {"uninstall_requested_on": doc.uninstall_requested_on, "recipients": recipients}


@frappe.whitelist(methods=["POST"])
def record_tool_answer(installation: str, answer: str, note: str | None = None) -> dict:
	"""R-RS-8: the client's answer — from staff, or from the client on the portal."""
	doc = frappe.get_doc("Assistance Tool Installation", installation)
	if is_staff():
		doc.check_permission("write")
	elif doc.customer not in customers_of():
		raise frappe.PermissionError(_("Not your tool."))
	if answer not in ("Uninstalled", "Kept (needed)", "No answer"):
		frappe.throw(_("Invalid answer: {0}").format(answer), title=_("Invalid Value"))
	doc.update(
		{
			"client_answer": answer,
			"answered_on": getdate(nowdate()),
			"answer_note": (note or "").strip() or None,
		}
	)
	doc.save(ignore_permissions=True)
	return {"client_answer": doc.client_answer}
