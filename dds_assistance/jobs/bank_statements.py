"""Background work on bank statements. Run again, each changes nothing that was done.

* ``import_statement``: the import of a large statement file (queued by *Import* on
  an Assistance Bank Statement);
* ``match_other_transactions``: the Bank Transactions that came another way
  (ERPNext's Bank Statement Import, a bank feed) matched with the open invoices
  (queued when one is submitted)."""

import frappe
from frappe import _

from dds_assistance.context.language import user_language
from dds_assistance.integrations import bank_statement

STATEMENT = "Assistance Bank Statement"


def import_statement(statement: str):
	# the explanations left on the Bank Transactions are in the language of the accountant
	with user_language():
		_import(statement)


def match_other_transactions():
	with user_language():
		return bank_statement.match_other_transactions()


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
