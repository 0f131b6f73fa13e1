"""The result of the direct-debit batches on the bank statement (#29), within the
CAMT.053 / camt.054 import (``integrations.bank_statement``).

``decide`` tells, among a statement's new transactions, the batch credits and the
R-transactions (``core.direct_debit_matching``); ``record`` writes each:

* a batch credit that equals its debits: each invoice paid by a Payment Entry
  (ERPNext's ``get_payment_entry``) and the Bank Transaction reconciled with them
  by ERPNext's bank reconciliation tool, the debits marked collected;
* a return or reject: the debit's Payment Entry cancelled (the invoice is open
  again), the debit marked with its reason, the client told in French with how to
  pay by transfer, the mandate's failures counted (a second stops its automatic
  collection); the Bank Transaction stays for the accountant with the reason
  (the reconciliation report lists it);
* anything else (a credit that does not equal its debits, a return of no known
  debit): left to the accountant with the reason.
"""

import json

import frappe
from frappe import _
from frappe.utils import flt, formatdate, getdate

from dds_assistance.context.language import dds_money
from dds_assistance.core import direct_debit_matching as core
from dds_assistance.core import sepa_debit
from dds_assistance.integrations.mail import client_language, mail_client
from dds_assistance.integrations.sepa_debit import BATCH, BATCH_ROW

LIVE_STATES = (sepa_debit.PENDING, sepa_debit.COLLECTED)


def reason_text(code: str | None) -> str:
	"""A return reason code in words, in the language being spoken."""
	template, extra = sepa_debit.reason_message(code)
	return _(template).format(*extra)


def explanation(decision: core.DebitDecision) -> str:
	args = list(decision.args)
	if decision.action == core.RETURN:  # the reason's own text, in French too
		args[-1] = reason_text(decision.return_code)
	return _(decision.message).format(*args)


def live_debits(company: str) -> list[core.Debit]:
	"""The debits of the company's submitted batches still waiting for the bank or
	collected (a return may come later)."""
	row = frappe.qb.DocType(BATCH_ROW)
	batch = frappe.qb.DocType(BATCH)
	rows = (
		frappe.qb.from_(row)
		.join(batch)
		.on(row.parent == batch.name)
		.select(
			batch.name.as_("batch"),
			row.payment_information_id,
			row.end_to_end_id,
			row.sales_invoice,
			row.customer,
			row.mandate,
			row.amount,
			row.state,
		)
		.where((batch.docstatus == 1) & (batch.company == company) & row.state.isin(LIVE_STATES))
		.where(row.parenttype == BATCH)
	).run(as_dict=True)
	return [
		core.Debit(
			batch=r.batch,
			payment_information_id=r.payment_information_id or "",
			end_to_end_id=r.end_to_end_id,
			invoice=r.sales_invoice,
			customer=r.customer,
			mandate=r.mandate,
			amount=sepa_debit.bank_details._money(flt(r.amount, 2)).quantize(sepa_debit.bank_details.CENT),
			state=r.state,
		)
		for r in rows
	]


def decide(transactions, company: str) -> dict[str, core.DebitDecision]:
	return core.match_debits(transactions, live_debits(company))


def record(transaction, decision: core.DebitDecision, account, statement_name=None) -> tuple[str, bool]:
	"""One Bank Transaction for a direct debit's result, and what it means for the
	debits. Returns (Bank Transaction, reconciled)."""
	from dds_assistance.integrations import bank_statement

	name = bank_statement.insert_bank_transaction(
		transaction,
		account,
		bank_statement.decided_fields(decision.reason, explanation(decision), decision.invoice),
		customer=decision.customer,
		statement_name=statement_name,
	)
	if decision.action == core.COLLECT:
		collect(name, transaction, decision, account)
		return name, True
	if decision.action == core.RETURN:
		undo(name, transaction, decision)
	return name, False


def _locked_row(debit: core.Debit) -> frappe._dict:
	"""The debit's batch row, locked and read as it now is (a locking read sees the
	last committed state, whatever this transaction read before)."""
	return frappe.db.get_value(
		BATCH_ROW,
		{"parent": debit.batch, "end_to_end_id": debit.end_to_end_id, "parenttype": BATCH},
		["name", "state", "payment_entry"],
		as_dict=True,
		for_update=True,
	)


def collect(bank_transaction: str, transaction, decision: core.DebitDecision, account):
	"""Each debit's invoice paid (its row locked and read again: a debit collected
	meanwhile is not paid twice), the Bank Transaction reconciled with the payments."""
	from erpnext.accounts.doctype.bank_reconciliation_tool.bank_reconciliation_tool import reconcile_vouchers

	from dds_assistance.integrations import bank_statement

	day = transaction.booking_date or transaction.value_date or getdate()
	vouchers = []
	for debit in decision.debits:
		row = _locked_row(debit)
		if row.state != sepa_debit.PENDING:
			frappe.throw(_("The debit of {0} is no longer pending.").format(debit.invoice))
		payment = bank_statement.pay_invoice(
			debit.invoice, flt(debit.amount, 2), transaction.id, day, account
		)
		frappe.db.set_value(
			BATCH_ROW,
			row.name,
			{"state": sepa_debit.COLLECTED, "payment_entry": payment, "bank_transaction": bank_transaction},
		)
		vouchers.append(
			{"payment_doctype": "Payment Entry", "payment_name": payment, "amount": flt(debit.amount, 2)}
		)
	reconcile_vouchers(bank_transaction, json.dumps(vouchers))
	for batch in {debit.batch for debit in decision.debits}:
		refresh_batch(batch)


def undo(bank_transaction: str, transaction, decision: core.DebitDecision):
	"""A returned debit: its payment cancelled (the invoice open again), the reason
	recorded, the mandate's failures counted, the client told."""
	debit = decision.debits[0]
	row = _locked_row(debit)
	if row.payment_entry and frappe.db.get_value("Payment Entry", row.payment_entry, "docstatus") == 1:
		payment = frappe.get_doc("Payment Entry", row.payment_entry)
		payment.flags.ignore_permissions = True
		payment.cancel()
	frappe.db.set_value(
		BATCH_ROW,
		row.name,
		{
			"state": sepa_debit.REJECTED if decision.rejected else sepa_debit.RETURNED,
			"return_reason_code": decision.return_code,
			"return_reason": reason_text(decision.return_code),
			"returned_on": transaction.booking_date or getdate(),
			"bank_transaction": bank_transaction,
		},
	)
	refresh_batch(debit.batch)
	mandate = frappe.get_doc("SEPA Mandate", debit.mandate)
	mandate.refresh_collections()
	tell_client(debit, decision, mandate)


def refresh_batch(batch: str):
	doc = frappe.get_doc(BATCH, batch)
	doc.update_totals()
	doc.db_set(
		{
			"status": doc.status,
			"collected_amount": doc.collected_amount,
			"returned_amount": doc.returned_amount,
		}
	)


def tell_client(debit: core.Debit, decision: core.DebitDecision, mandate) -> list[str]:
	"""The client told, in French, that the debit failed and why, and how to pay the
	invoice by transfer; and, after a second failure, that automatic collection stops."""
	from dds_assistance.context.clients import client_emails
	from dds_assistance.integrations import payment_means

	invoice = frappe.get_doc("Sales Invoice", debit.invoice)
	recipients = client_emails(invoice.customer)
	if not recipients:
		return []
	transfer = payment_means.transfer_details(invoice.name)
	with client_language(recipients[0]):
		lines = [
			_("Hello,"),
			_("The direct debit of {0} for invoice {1} was returned by your bank: {2}").format(
				dds_money(debit.amount, "EUR"), invoice.name, reason_text(decision.return_code)
			),
		]
		if transfer:
			lines.append(
				_("Please pay it by bank transfer to {0}, IBAN {1}, quoting {2}.").format(
					transfer["beneficiary"], transfer["iban_display"], transfer["reference"]
				)
			)
		if mandate.collection_stopped:
			lines.append(
				_(
					"After this second failure, automatic collection on the mandate {0} is stopped: your next invoices are to be paid by transfer, unless you sign a new mandate in your assistance space."
				).format(mandate.name)
			)
		subject = _("Direct debit of invoice {0} returned").format(invoice.name)
	return mail_client(invoice, subject, "".join(f"<p>{line}</p>" for line in lines), recipients=recipients)


def keep_batch_history(doc, method=None):
	"""``Payment Entry.on_cancel`` (after ERPNext's own): a direct-debit batch keeps
	the payment it recorded as history — it never stops the payment's cancellation
	(a return, or the accountant's correction)."""
	doc.ignore_linked_doctypes = (*(doc.get("ignore_linked_doctypes") or ()), "Direct Debit Batch")
