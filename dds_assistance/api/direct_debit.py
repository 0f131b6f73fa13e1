"""SEPA direct debit doors of the desk (#29): the accountant's batch, a mandate's
revocation recorded by staff. Each checks who acts, then the document's action."""

import frappe
from frappe import _

from dds_assistance.api._common import locked_doc
from dds_assistance.context.staff import is_staff
from dds_assistance.web.endpoints import endpoint


@endpoint(methods=["POST"])
def refresh_invoices(batch: str) -> dict:
	"""A draft batch's invoices made again from what is to collect on its date."""
	doc = locked_doc("Direct Debit Batch", batch)
	if doc.docstatus != 0:
		frappe.throw(_("Only a draft batch can be filled again."), title=_("Not Allowed"))
	doc.fill_invoices()
	doc.save()
	return {"invoices": len(doc.invoices), "total": doc.total_amount, "left_out": doc.left_out}


@endpoint(methods=["POST"])
def revoke_mandate(mandate: str, note: str) -> dict:
	"""A revocation the client sent by mail or letter, recorded by staff."""
	doc = locked_doc("SEPA Mandate", mandate)
	if not is_staff():
		raise frappe.PermissionError(_("A revocation by mail or letter is recorded by support staff."))
	if not (note or "").strip():
		frappe.throw(_("Say how the client revoked the mandate."), title=_("Revocation"))
	return doc.revoke(note.strip(), frappe.utils.get_fullname(frappe.session.user))
