"""Complaints, sanctions and terms: the staff's actions. Each checks permission first."""

import frappe
from frappe import _
from frappe.utils import now_datetime

from dds_assistance.api._common import locked_doc, require_manager
from dds_assistance.integrations import conduct
from dds_assistance.integrations.mail import mail_client


def _mail_client(doc, subject: str, message: str) -> list[str]:
	"""The complaint's client address."""
	return mail_client(doc, subject, message, [doc.client_email] if doc.client_email else None)


@frappe.whitelist(methods=["POST"])
def acknowledge_complaint(complaint: str) -> dict:
	"""R-CPL-2: acknowledge receipt (stamps who and when, tells the client)."""
	doc = locked_doc("Assistance Complaint", complaint)
	if doc.acknowledged_on:
		frappe.throw(_("This complaint is already acknowledged."), title=_("Not Allowed"))
	doc.acknowledged_on, doc.acknowledged_by, doc.status = now_datetime(), frappe.session.user, "Acknowledged"
	doc.save()  # the Notification "DDS Complaint Acknowledgement" tells the client
	return {"status": doc.status, "ack_state": doc.ack_state}


@frappe.whitelist(methods=["POST"])
def answer_complaint(complaint: str, answer: str) -> dict:
	"""R-CPL-2: answer (stamps who and when; an unacknowledged complaint is acknowledged too)."""
	doc = locked_doc("Assistance Complaint", complaint)
	if not (answer or "").strip():
		frappe.throw(_("Write the answer."), title=_("Answer Required"))
	now = now_datetime()
	if not doc.acknowledged_on:
		doc.acknowledged_on, doc.acknowledged_by = now, frappe.session.user
	doc.answered_on, doc.answered_by, doc.answer, doc.status = now, frappe.session.user, answer, "Answered"
	doc.save()
	_mail_client(doc, _("Answer to your complaint {0}").format(doc.name), answer)
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def lift_sanction(sanction: str, reason: str) -> dict:
	"""R-SAN-2: a manager lifts a suspension (who, when, why); the sanction stays in history."""
	require_manager(_("Only an Assistance Manager can lift a sanction."))
	doc = locked_doc("Assistance Sanction", sanction)
	if doc.lifted_on:
		frappe.throw(_("This sanction is already lifted."), title=_("Not Allowed"))
	if not (reason or "").strip():
		frappe.throw(_("Say why the sanction is lifted."), title=_("Reason Required"))
	doc.update(
		{
			"lifted_on": now_datetime(),
			"lifted_by": frappe.session.user,
			"lift_reason": reason.strip(),
			"status": "Lifted",
		}
	)
	doc.save()
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def publish_terms(terms_version: str) -> dict:
	"""R-TERMS-3: inform every client of a new version (portal notice and e-mail)."""
	require_manager(_("Only an Assistance Manager can publish terms."))
	frappe.get_doc("Terms Version", terms_version).check_permission("write")
	return {"informed": conduct.publish_terms(terms_version)}
