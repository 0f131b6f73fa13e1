"""Background import of a large bank statement (queued by *Import* on an Assistance
Bank Statement). Run again, it changes nothing that was imported."""

import frappe
from frappe import _

STATEMENT = "Assistance Bank Statement"


def import_statement(statement: str):
	# the explanations left on the Bank Transactions are in the language of the accountant
	lang = frappe.local.lang
	frappe.set_user_lang(frappe.session.user)
	try:
		_import(statement)
	finally:
		frappe.local.lang = lang


def _import(statement: str):
	doc = frappe.get_doc(STATEMENT, statement)
	try:
		doc.run_import()
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title=_("Bank statement {0} not imported").format(statement))
		doc = frappe.get_doc(STATEMENT, statement)
		doc.flags.dds_action = True
		doc.status = "Failed"
		doc.error = _(
			"The import stopped on an error (see the Error Log); import the file again to resume it."
		)
		doc.save(ignore_permissions=True)
		frappe.db.commit()
