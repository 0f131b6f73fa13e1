"""Desk door on an Assistance Bank Statement (R-TKT-4, R-ACC-2): the accountants'."""

import frappe
from frappe import _

from dds_assistance.api._common import locked_doc
from dds_assistance.web.endpoints import endpoint

STATEMENT = "Assistance Bank Statement"


@endpoint(methods=["POST"])
def import_statement(statement: str) -> dict:
	"""Import the statement's transactions into Bank Transactions and record the
	payments of the invoices they pay in full."""
	doc = locked_doc(STATEMENT, statement)
	for doctype in ("Bank Transaction", "Payment Entry"):
		if not frappe.has_permission(doctype, "submit"):
			raise frappe.PermissionError(_("Only an accountant can import a bank statement."))
	return doc.import_statement()
