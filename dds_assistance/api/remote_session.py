"""Remote session doors (R-RS-1 … R-RS-8). Each checks who acts — the client on the
portal, or staff in the desk — then the session's own action decides and writes
the append-only history."""

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from dds_assistance.api._common import locked_doc, portal_write
from dds_assistance.context.clients import customers_of
from dds_assistance.context.staff import is_staff, require_manager
from dds_assistance.core import remote_sessions as core
from dds_assistance.integrations.mail import client_language, mail_client
from dds_assistance.web.endpoints import endpoint
from dds_assistance.web.portal_reads import owner_of

SESSION = "Remote Session"


def _checklist(*answers) -> dict:
	"""The four confirmations, in the order of ``core.CHECKLIST``."""
	return {key: bool(cint(value)) for key, value in zip(core.CHECKLIST, answers, strict=True)}


@endpoint(methods=["POST"])
def propose(ticket: str, purpose: str, tool: str, minutes: int | None = None) -> str:
	"""A technician proposes a session on a ticket: declared scope, tool, duration."""
	frappe.has_permission(SESSION, "create", throw=True)
	frappe.get_doc("Assistance Ticket", ticket).check_permission("read")
	doc = frappe.get_doc(
		{
			"doctype": SESSION,
			"ticket": ticket,
			"technician": frappe.session.user,
			"purpose": purpose,
			"tool": tool,
			"requested_minutes": cint(minutes) or None,
		}
	).insert()
	return doc.name


@endpoint(methods=["POST"])
@portal_write
def consent(
	session: str,
	check_backup: int = 0,
	check_apps_closed: int = 0,
	check_reachable: int = 0,
	check_connection: int = 0,
) -> dict:
	"""R-RS-1, R-RS-2: the client's own click on the portal, for this session only.
	Another client's session and a made-up name get the same answer: not found."""
	owner_of(SESSION, session)
	doc = locked_doc(SESSION, session, "read")
	checklist = _checklist(check_backup, check_apps_closed, check_reachable, check_connection)
	person = frappe.utils.get_fullname(frappe.session.user)
	return doc.consent("Portal", checklist, None, True, person)


@endpoint(methods=["POST"])
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
	doc = locked_doc(SESSION, session)
	if not is_staff():
		raise frappe.PermissionError(_("Consent by e-mail or phone is recorded by support staff."))
	if not (consented_by or "").strip():
		frappe.throw(_("Name the person who gave consent."), title=_("Consent"))
	checklist = _checklist(check_backup, check_apps_closed, check_reachable, check_connection)
	return doc.consent(method, checklist, note, False, consented_by.strip())


@endpoint(methods=["POST"])
def start(session: str) -> dict:
	"""Start the session (R-RS-1, R-RS-6, R-RS-7, R-SAN-2)."""
	return locked_doc(SESSION, session).start()


@endpoint(methods=["POST"])
def extend_scope(session: str, new_scope: str, instruction_by: str, instruction: str) -> dict:
	"""R-RS-5: widen the scope on the client's express instruction, recorded first."""
	return locked_doc(SESSION, session).extend_scope(new_scope, instruction_by, instruction)


@endpoint(methods=["POST"])
def end(session: str, note: str | None = None) -> dict:
	"""The technician ends the session before its authorised end."""
	return locked_doc(SESSION, session).end(note)


@endpoint(methods=["POST"])
def cancel(session: str, reason: str) -> dict:
	return locked_doc(SESSION, session).cancel_proposal(reason)


@endpoint(methods=["POST"])
def revoke_authorisation(authorisation: str, reason: str) -> dict:
	"""R-RS-6: a manager revokes a technician authorisation; the revocation stays."""
	require_manager(_("Only an Assistance Manager can revoke an authorisation."))
	return locked_doc("Technician Authorisation", authorisation).revoke(reason)


@endpoint(methods=["POST"])
def ask_tool_uninstall(installation: str) -> dict:
	"""R-RS-8: ask the client to uninstall a tool they no longer need."""
	doc = frappe.get_doc("Assistance Tool Installation", installation)
	doc.check_permission("write")
	doc.uninstall_requested_on = getdate(nowdate())
	doc.save()
	with client_language(doc.get("client_email")):
		recipients = mail_client(
			doc,
			_("Please uninstall the assistance tool {0}").format(doc.tool),
			_(
				"Our intervention is over. Unless you still need it, please uninstall the assistance tool {0} "
				"and tell us when it is done (CGU art. 6.3)."
			).format(doc.tool),
		)
	return {"uninstall_requested_on": doc.uninstall_requested_on, "recipients": recipients}


@endpoint(methods=["POST"])
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
