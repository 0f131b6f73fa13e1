"""A CAMT.053 bank statement into ERPNext (R-TKT-4, R-ACC-2).

Each transaction of the file becomes one ERPNext Bank Transaction of the company's
Bank Account (submitted; its ``transaction_id`` is the bank's reference, so a
statement imported twice adds nothing). A file may hold several statements (days,
accounts): each is imported on its own, into the company's Bank Account of its
IBAN. The core's matching (``core.transfer_matching.match``) decides which credits
pay an open invoice of the app in full; for those, the Payment Entry is made with
ERPNext's own ``get_payment_entry`` and the Bank Transaction reconciled with it by
ERPNext's bank reconciliation tool — the ticket then opens by itself
(``integrations.sales_invoice.on_payment_entry_change``). Every other transaction
stays unreconciled for the accountant, with the reason code and its explanation on
the Bank Transaction (custom fields ``dds_match_*``).

Bank Transactions that come another way — ERPNext's own Bank Statement Import
(CSV, XLSX), a bank feed — are matched by the same rules once submitted
(``on_bank_transaction_submit`` queues ``match_other_transactions``), through the
same fields.

Each transaction is recorded in a transaction of its own, committed.
"""

import json
from collections import Counter
from dataclasses import replace
from decimal import Decimal

import frappe
from frappe import _
from frappe.utils import add_days, flt, getdate, nowdate

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.core import bank_details, camt053, direct_debit_matching, limits, transfer_matching
from dds_assistance.core.errors import RuleError
from dds_assistance.integrations import direct_debit_statement

BANK_TRANSACTION = "Bank Transaction"
REASON_FIELD = "dds_match_reason"
NOTE_FIELD = "dds_match_note"
INVOICE_FIELD = "dds_invoice"
STATEMENT_FIELD = "dds_bank_statement"
# paid invoices still given to the matching, so that a second payment reads
# "already paid" rather than "unknown reference"
PAID_LOOKBACK_DAYS = 400
ID_BATCH = 1000


class StatementRefused(frappe.ValidationError):
	"""The file is not a statement of this account (or not a statement at all)."""


def refusal(error: RuleError) -> str:
	"""A core refusal in French (its template translated, then filled)."""
	return _(error.message).format(*error.args_)


def explanation(decision: transfer_matching.Decision) -> str:
	text = _(decision.message).format(*decision.args)
	if decision.truncated:
		text += " " + _(transfer_matching.M_TRUNCATED).format(limits.REFERENCE_CHARACTERS)
	return text


# ---------------------------------------------------------------------------- the account and the file
def bank_account_details(bank_account: str) -> frappe._dict:
	"""The company's Bank Account as the import needs it: IBAN, GL account, company,
	currency."""
	account = frappe.db.get_value(
		"Bank Account",
		bank_account,
		["name", "iban", "account", "company", "is_company_account"],
		as_dict=True,
	)
	if not account or not account.is_company_account:
		frappe.throw(
			_("{0} is not a bank account of the company.").format(frappe.bold(bank_account)),
			exc=StatementRefused,
			title=_("Invalid Bank Account"),
		)
	if not account.account or not account.iban:
		frappe.throw(
			_(
				"The bank account {0} needs its IBAN and its ledger account before a statement is imported."
			).format(frappe.bold(bank_account)),
			exc=StatementRefused,
			title=_("Invalid Bank Account"),
		)
	account.iban = bank_details.check_iban(account.iban)
	account.currency = frappe.get_cached_value("Account", account.account, "account_currency")
	return account


def read_statements(content: bytes, account: frappe._dict) -> list[tuple[camt053.Statement, frappe._dict]]:
	"""Each statement of the file with the company's Bank Account it is of: the
	account chosen, or another of the company's accounts with the statement's
	IBAN. The file is refused (in French, with the bound it passes) unless it is a
	readable CAMT.053 file within the bounds of ``core.limits`` whose every
	statement is of an account of the company, in that account's currency."""
	try:
		statements = camt053.parse_camt053_statements(content)
	except RuleError as error:
		frappe.throw(refusal(error), exc=StatementRefused, title=_("Invalid Bank Statement"))
	accounts = {account.iban: account}
	read = []
	for statement in statements:
		iban = statement.account_iban or account.iban
		if iban not in accounts:
			accounts[iban] = company_account_of(iban, account)
		if accounts[iban] is None:
			frappe.throw(
				_("This statement is of the account {0}, not of {1} ({2}).").format(
					frappe.bold(statement.account_iban), frappe.bold(account.name), account.iban
				),
				exc=StatementRefused,
				title=_("Invalid Bank Statement"),
			)
		of = accounts[iban]
		if statement.currency and of.currency and statement.currency != of.currency:
			frappe.throw(
				_("This statement is in {0}, the account {1} in {2}.").format(
					statement.currency, frappe.bold(of.name), of.currency
				),
				exc=StatementRefused,
				title=_("Invalid Bank Statement"),
			)
		read.append((statement, of))
	return read


def company_account_of(iban: str, account: frappe._dict) -> frappe._dict | None:
	"""The company's other Bank Account of ``iban`` (the company of ``account``), if any."""
	name = frappe.db.get_value(
		"Bank Account",
		{"iban": iban, "is_company_account": 1, "company": account.company, "disabled": 0},
		"name",
	)
	if not name:
		return None
	try:
		return bank_account_details(name)
	except StatementRefused:
		frappe.clear_last_message()
		return None


# ---------------------------------------------------------------------------- what is already known
def qualified_id(transaction_id: str, iban: str) -> str:
	"""The id stored when another account already holds the bank's own (ERPNext
	keeps ``transaction_id`` unique across all accounts)."""
	return f"{iban}:{transaction_id}"[:140]


def stored_ids(account: frappe._dict, transaction_ids) -> dict[str, str]:
	"""Bank reference → Bank Transaction of this account, for those already imported."""
	wanted = {}
	for transaction_id in transaction_ids:
		wanted[transaction_id[:140]] = transaction_id
		wanted[qualified_id(transaction_id, account.iban)] = transaction_id
	found = {}
	keys = list(wanted)
	for start in range(0, len(keys), ID_BATCH):
		for row in frappe.get_all(
			BANK_TRANSACTION,
			filters={"bank_account": account.name, "transaction_id": ("in", keys[start : start + ID_BATCH])},
			fields=["name", "transaction_id"],
		):
			found[wanted[row.transaction_id]] = row.name
	return found


def open_invoices(company: str, until=None) -> list[transfer_matching.OpenInvoice]:
	"""The app's invoices (tickets, Premium terms) of the company that a transfer may
	pay: the open ones, those paid recently, and their credit notes."""
	since = add_days(getdate(until or nowdate()), -PAID_LOOKBACK_DAYS)
	si = frappe.qb.DocType("Sales Invoice")
	ours = (si.dds_assistance_ticket.isnotnull() & (si.dds_assistance_ticket != "")) | (
		si.dds_premium_subscription.isnotnull() & (si.dds_premium_subscription != "")
	)
	rows = (
		frappe.qb.from_(si)
		.select(
			si.name,
			si.customer,
			si.outstanding_amount,
			si.grand_total,
			si.rounded_total,
			si.currency,
			si.is_return,
			si.dds_assistance_ticket,
		)
		.where((si.docstatus == 1) & (si.company == company) & (si.is_return == 0) & ours)
		.where((si.outstanding_amount != 0) | (si.posting_date >= since))
	).run(as_dict=True)
	original = si.as_("original")
	note = si.as_("note")
	credit_notes = (
		frappe.qb.from_(note)
		.join(original)
		.on(note.return_against == original.name)
		.select(
			note.name,
			note.customer,
			note.outstanding_amount,
			note.grand_total,
			note.rounded_total,
			note.currency,
			note.is_return,
			original.dds_assistance_ticket,
		)
		.where((note.docstatus == 1) & (note.is_return == 1) & (note.company == company))
		.where(note.posting_date >= since)
		.where(
			(original.dds_assistance_ticket.isnotnull() & (original.dds_assistance_ticket != ""))
			| (original.dds_premium_subscription.isnotnull() & (original.dds_premium_subscription != ""))
		)
	).run(as_dict=True)
	return [_open_invoice(row) for row in rows + credit_notes]


def _open_invoice(row) -> transfer_matching.OpenInvoice:
	"""A Sales Invoice row as the matching rule sees it."""
	return transfer_matching.OpenInvoice(
		name=row.name,
		customer=row.customer,
		outstanding=flt(row.outstanding_amount, 2),
		grand_total=flt(row.rounded_total or row.grand_total, 2),
		ticket=row.dds_assistance_ticket,
		currency=row.currency,
		is_return=bool(row.get("is_return")),
	)


# ---------------------------------------------------------------------------- the import
def import_transactions(statement: camt053.Statement, account: frappe._dict, statement_name=None) -> Counter:
	"""Record the statement's transactions not yet known for the account, each
	committed on its own; returns the counts (``transactions``, ``imported``,
	``already_imported``, ``not_booked``, ``matched``, ``unmatched``, ``failed``)."""
	counts = Counter({"transactions": len(statement.transactions)})
	booked = [t for t in statement.transactions if t.status in ("", camt053.BOOKED)]
	counts["not_booked"] = len(statement.transactions) - len(booked)  # pending: in a later statement
	known = stored_ids(account, [t.id for t in booked])
	new = [t for t in booked if t.id not in known]
	counts["already_imported"] = len(booked) - len(new)
	days = [t.booking_date for t in new if t.booking_date]
	# the results of the direct-debit batches (#29) first; the rest are transfers
	debits = direct_debit_statement.decide(new, account.company)
	transfers = [t for t in new if t.id not in debits]
	decided = dict(
		zip(
			[t.id for t in transfers],
			transfer_matching.match(transfers, open_invoices(account.company, max(days) if days else None)),
			strict=True,
		)
	)
	frappe.db.commit()
	for transaction in new:
		try:
			if transaction.id in debits:
				_name, matched = direct_debit_statement.record(
					transaction, debits[transaction.id], account, statement_name
				)
			else:
				_name, matched = record_transaction(
					transaction, decided[transaction.id], account, statement_name
				)
			frappe.db.commit()
		except (frappe.UniqueValidationError, frappe.DuplicateEntryError):
			frappe.db.rollback()  # recorded meanwhile by another import of the same file
			counts["already_imported"] += 1
			continue
		except Exception:
			frappe.db.rollback()
			frappe.log_error(
				title=_("Bank transaction {0} of statement {1} not imported").format(
					transaction.id, statement_name or statement.id
				)
			)
			counts["failed"] += 1
			continue
		counts["imported"] += 1
		counts["matched" if matched else "unmatched"] += 1
	return counts


def record_transaction(
	transaction: camt053.BankTransaction,
	decision: transfer_matching.Decision,
	account: frappe._dict,
	statement_name=None,
) -> tuple[str, bool]:
	"""One Bank Transaction, submitted; for a match, its Payment Entry made and
	reconciled. Returns (Bank Transaction, matched)."""
	day = transaction.booking_date or transaction.value_date or getdate(nowdate())
	if decision.matched:
		decision = decide_again(transaction, decision)
	name = insert_bank_transaction(
		transaction,
		account,
		decision_fields(decision),
		customer=decision.customer,
		statement_name=statement_name,
	)
	return name, settle(name, transaction, decision, account, day)


def insert_bank_transaction(
	transaction: camt053.BankTransaction, account: frappe._dict, decided: dict, *, customer, statement_name
) -> str:
	"""The statement's transaction as a submitted ERPNext Bank Transaction, with what
	the import decided of it (``decided``: its reason, explanation and invoice, as
	``decided_fields`` makes them)."""
	day = transaction.booking_date or transaction.value_date or getdate(nowdate())
	amount = flt(transaction.amount, 2)
	doc = frappe.new_doc(BANK_TRANSACTION)
	doc.update(
		{
			"date": day,
			"bank_account": account.name,
			"company": account.company,
			"currency": transaction.currency or account.currency,
			"deposit": amount if transaction.is_credit else 0,
			"withdrawal": 0 if transaction.is_credit else amount,
			"description": description(transaction),
			"reference_number": transaction.id[:140],
			"transaction_id": transaction_id_for(transaction.id, account),
			"transaction_type": (transaction.bank_code or "")[:140],
			"bank_party_name": (transaction.counterparty_name or "")[:140],
			"bank_party_iban": transaction.counterparty_iban[:140] or None,
			"party_type": "Customer" if customer else None,
			"party": customer,
			**decided,
			STATEMENT_FIELD: statement_name,
		}
	)
	doc.flags.ignore_permissions = True
	doc.insert()
	doc.submit()
	return doc.name


def decision_fields(decision: transfer_matching.Decision) -> dict:
	"""What the matching decided, as the Bank Transaction shows it: the reason, its
	explanation, the invoice referred to."""
	referred = decision.invoice or (decision.invoices[0] if len(decision.invoices) == 1 else None)
	return decided_fields(decision.reason, explanation(decision), referred)


def decided_fields(reason: str, note: str, invoice: str | None) -> dict:
	"""The Bank Transaction's fields of what the import decided of it."""
	return {
		REASON_FIELD: reason,
		NOTE_FIELD: note,
		INVOICE_FIELD: invoice if invoice and frappe.db.exists("Sales Invoice", invoice) else None,
	}


def settle(
	bank_transaction: str,
	transaction: camt053.BankTransaction,
	decision: transfer_matching.Decision,
	account: frappe._dict,
	day,
) -> bool:
	"""For a match: the invoice's Payment Entry, reconciled with the Bank
	Transaction. Returns whether it was a match."""
	if not decision.matched:
		return False
	amount = flt(transaction.amount, 2)
	payment = pay_invoice(decision.invoice, amount, transaction.id, day, account)
	reconcile(bank_transaction, payment, amount)
	return True


def decide_again(
	transaction: camt053.BankTransaction, decision: transfer_matching.Decision
) -> transfer_matching.Decision:
	"""The decision taken again on the invoice as it is now, its row locked: a
	payment recorded since the matching read the invoices turns a match into
	"already paid" (or a partial payment …), never into a second payment."""
	row = frappe.db.get_value(
		"Sales Invoice",
		decision.invoice,
		[
			"name",
			"customer",
			"outstanding_amount",
			"grand_total",
			"rounded_total",
			"currency",
			"docstatus",
			"dds_assistance_ticket",
		],
		as_dict=True,
		for_update=True,
	)
	if not row or row.docstatus != 1:
		return transfer_matching.match([transaction], [])[0]
	return transfer_matching.match([transaction], [_open_invoice(row)])[0]


def transaction_id_for(transaction_id: str, account: frappe._dict) -> str:
	"""The bank's reference, unless another account already holds it."""
	if frappe.db.exists(BANK_TRANSACTION, {"transaction_id": transaction_id[:140]}):
		return qualified_id(transaction_id, account.iban)
	return transaction_id[:140]


def description(transaction: camt053.BankTransaction) -> str:
	lines = [
		transaction.reference_text,
		" ".join(part for part in (transaction.counterparty_name, transaction.counterparty_iban) if part),
		transaction.additional_info if transaction.additional_info != transaction.reference_text else "",
	]
	return "\n".join(line for line in lines if line)


def pay_invoice(invoice: str, amount: float, reference: str, day, account: frappe._dict) -> str:
	"""The Payment Entry of ``amount`` received on ``day`` for ``invoice`` into the
	bank account's ledger account (ERPNext's ``get_payment_entry``), submitted."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry(
		"Sales Invoice", invoice, bank_account=account.account, reference_date=day, ignore_permissions=True
	)
	if flt(payment.paid_amount, 2) != flt(amount, 2):  # decide_again has just checked it
		frappe.throw(_("The amount of {0} changed while the statement was imported.").format(invoice))
	payment.update(
		{
			"bank_account": account.name,
			"posting_date": day,
			"reference_no": reference[:140],
			"reference_date": day,
		}
	)
	payment.flags.ignore_permissions = True
	payment.insert()
	payment.submit()
	return payment.name


def reconcile(bank_transaction: str, payment_entry: str, amount: float):
	"""Reconcile the Bank Transaction with the Payment Entry — ERPNext's bank
	reconciliation tool (it allocates the amount and clears the payment)."""
	from erpnext.accounts.doctype.bank_reconciliation_tool.bank_reconciliation_tool import (
		reconcile_vouchers,
	)

	vouchers = [{"payment_doctype": "Payment Entry", "payment_name": payment_entry, "amount": amount}]
	reconcile_vouchers(bank_transaction, json.dumps(vouchers))


# ---------------------------------------------------------------------------- Bank Transactions from elsewhere
MATCH_JOB = "dds_assistance.jobs.bank_statements.match_other_transactions"
OTHER_BATCH = 500


def on_bank_transaction_submit(doc, method=None):
	"""``Bank Transaction.on_submit``: one that came another way than the app's own
	import (ERPNext's Bank Statement Import from CSV or XLSX, a bank feed) is
	matched by the same rules — by a worker, once this transaction is committed."""
	if doc.get(REASON_FIELD) or doc.get(STATEMENT_FIELD):
		return
	enqueue_resumable(MATCH_JOB)


def other_transactions(limit: int = OTHER_BATCH, exclude=(), submitted_before=None) -> list[frappe._dict]:
	"""Submitted Bank Transactions the app has not matched yet and that still wait
	for their reconciliation (the app's own import matched its own)."""
	filters = {
		"docstatus": 1,
		"bank_account": ("in", company_accounts() or [""]),
		REASON_FIELD: ("is", "not set"),
		STATEMENT_FIELD: ("is", "not set"),
		"status": ("in", ("Pending", "Unreconciled")),
		"unallocated_amount": (">", 0),
	}
	if exclude:
		filters["name"] = ("not in", list(exclude))
	if submitted_before:
		filters["modified"] = ("<", submitted_before)
	return frappe.get_all(
		BANK_TRANSACTION,
		filters=filters,
		fields=[
			"name",
			"date",
			"bank_account",
			"company",
			"currency",
			"deposit",
			"withdrawal",
			"description",
			"reference_number",
			"bank_party_name",
			"bank_party_iban",
		],
		order_by="date asc, creation asc",
		limit_page_length=limit,
	)


def as_transaction(row) -> camt053.BankTransaction:
	"""A Bank Transaction as the matching reads a statement's: its description and
	reference are what the payer wrote."""
	credit = flt(row.deposit) > 0
	return camt053.BankTransaction(
		id=row.name,
		amount=Decimal(str(flt(row.deposit if credit else row.withdrawal, 2))),
		currency=(row.currency or "").upper(),
		credit_debit=camt053.CREDIT if credit else camt053.DEBIT,
		booking_date=getdate(row.date) if row.date else None,
		counterparty_name=row.bank_party_name or "",
		counterparty_iban=row.bank_party_iban or "",
		remittance=row.description or "",
		structured_reference=row.reference_number or "",
	)


def company_accounts() -> list[str]:
	"""The company's Bank Accounts that payments can go into (a ledger account each)."""
	return frappe.get_all(
		"Bank Account", filters={"is_company_account": 1, "account": ("is", "set")}, pluck="name"
	)


def ledger_account(bank_account: str) -> frappe._dict:
	"""The company's Bank Account as a payment needs it (its IBAN is not needed
	here: the transaction is already in ERPNext)."""
	return frappe.db.get_value("Bank Account", bank_account, ["name", "account", "company"], as_dict=True)


def match_other_transactions() -> Counter:
	"""Match every submitted Bank Transaction the app has not looked at (see
	``on_bank_transaction_submit``), by batches, each transaction committed on its
	own; those submitted meanwhile are matched by the same run. Run again, it
	changes nothing."""
	counts, seen = Counter(), set()
	while rows := other_transactions(exclude=seen):
		seen.update(row.name for row in rows)
		by_company: dict[str, list] = {}
		for row in rows:
			by_company.setdefault(row.company, []).append(row)
		for company, group in by_company.items():
			transactions = [as_transaction(row) for row in group]
			days = [t.booking_date for t in transactions if t.booking_date]
			invoices = open_invoices(company, max(days) if days else None)
			decisions = transfer_matching.match(transactions, invoices)
			frappe.db.commit()
			for row, transaction, decision in zip(group, transactions, decisions, strict=True):
				try:
					outcome = record_decision(row, transaction, decision)
					frappe.db.commit()
				except Exception:
					frappe.db.rollback()
					frappe.log_error(title=_("Bank transaction {0} not matched").format(row.name))
					counts["failed"] += 1
					continue
				counts[outcome] += 1
	return counts


def record_decision(row, transaction: camt053.BankTransaction, decision: transfer_matching.Decision) -> str:
	"""The decision on a Bank Transaction already in ERPNext: its fields, and for a
	match the payment and the reconciliation. Its row is locked first: one that
	another run has matched meanwhile is left as it is."""
	if frappe.db.get_value(BANK_TRANSACTION, row.name, REASON_FIELD, for_update=True):
		return "already_matched"
	account = ledger_account(row.bank_account)
	if decision.matched:
		decision = decide_again(transaction, decision)
	doc = frappe.get_doc(BANK_TRANSACTION, row.name)
	doc.update(decision_fields(decision))
	if decision.customer and not doc.party:
		doc.party_type, doc.party = "Customer", decision.customer
	doc.flags.ignore_permissions = True
	doc.save()
	reference = replace(transaction, id=row.reference_number or row.name)
	matched = settle(doc.name, reference, decision, account, transaction.booking_date or getdate(nowdate()))
	return "matched" if matched else "unmatched"


# ---------------------------------------------------------------------------- for the report
def unmatched_transfers(from_date, to_date, company=None, customer=None) -> list[frappe._dict]:
	"""The Bank Transactions of the period the matching left to the accountant:
	every credit, and the debits that refer to one of the app's invoices (a
	refund) — bank charges and other outgoing payments are not the app's."""
	filters = {
		"docstatus": 1,
		"date": ("between", [getdate(from_date), getdate(to_date)]),
		REASON_FIELD: ("not in", ("", transfer_matching.R_MATCHED, direct_debit_matching.R_COLLECTED)),
	}
	if company:
		filters["company"] = company
	if customer:
		filters["party_type"], filters["party"] = "Customer", customer
	rows = frappe.get_all(
		BANK_TRANSACTION,
		filters=filters,
		fields=[
			"name",
			"date",
			"deposit",
			"withdrawal",
			"currency",
			"status",
			"party",
			"bank_party_name",
			"unallocated_amount",
			REASON_FIELD,
			NOTE_FIELD,
			INVOICE_FIELD,
		],
		order_by="date asc, name asc",
	)
	return [row for row in rows if flt(row.deposit) > 0 or row.get(INVOICE_FIELD)]
