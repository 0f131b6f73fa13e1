# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The accountant imports the bank's CAMT.053 statement (R-TKT-4, R-ACC-2): one
ERPNext Bank Transaction per transaction; each transfer that pays one ticket
invoice in full gets its Payment Entry and is reconciled, and the ticket opens;
every other transaction stays for the accountant with its reason, and the
reconciliation report lists them. Importing the same statement again changes
nothing."""

from decimal import Decimal as D
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, getdate, now_datetime, nowdate

from dds_assistance.api import bank_statement as statement_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.core import camt053, limits, transfer_matching
from dds_assistance.dds_assistance.doctype.assistance_bank_statement import assistance_bank_statement
from dds_assistance.dds_assistance.report.assistance_ticket_reconciliation.assistance_ticket_reconciliation import (
	UNMATCHED_TRANSFER,
	execute,
)
from dds_assistance.integrations import bank_statement as bank
from dds_assistance.jobs import recovery
from dds_assistance.jobs.bank_statements import import_statement as import_job
from dds_assistance.jobs.bank_statements import match_other_transactions as match_job
from dds_assistance.samples import camt_files, records, testing

STATEMENT = "Assistance Bank Statement"


def statement_file(content: bytes, name: str = "releve.xml") -> str:
	"""The statement as the accountant attaches it: a private file."""
	file = frappe.get_doc({"doctype": "File", "file_name": name, "is_private": 1, "content": content})
	file.flags.ignore_permissions = True
	return file.insert().file_url


def new_statement(content: bytes, bank_account: str):
	return frappe.get_doc(
		{"doctype": STATEMENT, "bank_account": bank_account, "statement_file": statement_file(content)}
	).insert()


class StatementCase(testing.AssistanceTestCase):
	"""The company's bank account, a tag for this test's bank references, and the
	data of a day."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.bank_account = records.ensure_bank_account()
		cls.ledger = frappe.db.get_value("Bank Account", cls.bank_account, "account")
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		self.tag = frappe.generate_hash(length=6).upper()  # the bank's references of this test
		self.today = getdate(nowdate())

	# ------------------------------------------------------------------ the data of a day
	def invoiced_tickets(self, count: int) -> list[tuple[str, str, str]]:
		"""(client, ticket, invoice) of ``count`` accepted on-demand tickets of three clients."""
		clients = [self.new_client("Labo Virement")[0] for _ in range(3)]
		made = []
		for k in range(count):
			customer = clients[k % 3]
			ticket = testing.make_ticket(customer, subject=f"Virement {k}")
			made.append((customer, ticket.name, ticket_api.accept(ticket.name)["sales_invoice"]))
		frappe.db.commit()
		return made

	def transfer(self, amount, text, customer="", k=0, **values):
		bank, branch, bic = camt_files.PAYER_BANKS[k % len(camt_files.PAYER_BANKS)]
		return camt_files.Transfer(
			D(amount),
			text,
			counterparty=(customer or "LABO INCONNU").upper(),
			counterparty_iban=camt_files.french_iban(bank, branch, f"{k:011d}"),
			counterparty_bic=bic,
			**values,
		)

	def day_statement(self):
		"""A day of the company's account: 22 transactions over 18 ticket invoices —
		each case the matching must tell apart — and what each must give."""
		made = self.invoiced_tickets(18)
		customer, ticket, inv = (list(column) for column in zip(*made, strict=True))
		# paid by hand before the statement comes in; a credit note made on another
		self.pay_by_hand(inv[11])
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		credit_note = make_sales_return(inv[16])
		credit_note.insert().submit()
		frappe.db.commit()

		def entry(ref, transfers, **values):
			return camt_files.Entry(
				transfers, reference=f"{self.tag}-{ref}", booking_date=self.today, **values
			)

		t = self.transfer
		entries = [
			entry("01", [t("100.00", inv[0], customer[0], 0)]),
			entry("02", [t("100.00", f"Facture {inv[1]}", customer[1], 1)]),
			entry("03", [t("100.00", f"facture {inv[2].lower().replace('-', ' ')}", customer[2], 2)]),
			entry("04", [t("100.00", transfer_matching.reference_key(inv[3]), customer[3], 3)]),
			entry("05", [t("100.00", f"Règlement {inv[4].replace('-', ' ', 1)} merci", customer[4], 4)]),
			entry("06", [t("100.00", f"Ticket {ticket[5]} assistance exocad", customer[5], 5)]),
			entry("07", [t("50.00", f"Facture {inv[6]} acompte", customer[6], 6)]),
			entry("08", [t("120.00", inv[7], customer[7], 7)]),
			entry("09", [t("200.00", f"Factures {inv[8]} et {inv[9]}", customer[8], 8)]),
			entry("10", [t("100.00", "Assistance exocad mars")]),
			entry("11", [t("100.00", camt_files.mistyped(inv[10]), customer[10], 10)]),
			entry("12", [t("100.00", f"Facture {inv[1]} second envoi", customer[1], 1)]),
			entry("13", [t("100.00", inv[11], customer[11], 11)]),
			entry("14", [t("100.00", f"Remboursement {inv[12]}", customer[12], 12, credit=False)]),
			entry(
				"15",
				[camt_files.Transfer(D("12.50"), "", credit=False)],
				additional_info="FRAIS TENUE DE COMPTE",
			),
			entry(
				"16", [t("100.00", f"Retour virement {inv[0]}", customer[0], 0, credit=False)], reversal=True
			),
			entry(
				"17",
				[
					t("100.00", inv[13], customer[13], 13),
					t("100.00", f"Facture {inv[14]}", customer[14], 14),
					t("100.00", "Assistance exocad", customer[13], 13),
				],
			),
			entry("18", [t("100.00", inv[15], customer[15], 15)], status="PDNG"),
			entry("19", [t("100.00", f"Avoir {credit_note.name}", customer[16], 16)]),
			entry("20", [t("100.00", f"Virement {inv[17]}", customer[17], 17)]),
		]
		ref = f"{self.tag}-"
		# bank reference → (reason, invoice referred to, ticket opened)
		expected = {
			ref + "01": (transfer_matching.R_MATCHED, inv[0], ticket[0]),
			ref + "02": (transfer_matching.R_MATCHED, inv[1], ticket[1]),
			ref + "03": (transfer_matching.R_MATCHED, inv[2], ticket[2]),
			ref + "04": (transfer_matching.R_MATCHED, inv[3], ticket[3]),
			ref + "05": (transfer_matching.R_MATCHED, inv[4], ticket[4]),
			ref + "06": (transfer_matching.R_MATCHED, inv[5], ticket[5]),  # by the ticket's name
			ref + "07": (transfer_matching.R_PARTIAL, inv[6], None),
			ref + "08": (transfer_matching.R_OVERPAYMENT, inv[7], None),
			ref + "09": (transfer_matching.R_SEVERAL, None, None),  # two tickets in one transfer
			ref + "10": (transfer_matching.R_UNKNOWN, None, None),
			ref + "11": (transfer_matching.R_MISTYPED, inv[10], None),
			ref + "12": (transfer_matching.R_DUPLICATE, inv[1], None),
			ref + "13": (transfer_matching.R_ALREADY_PAID, inv[11], None),
			ref + "14": (transfer_matching.R_REFUND, inv[12], None),  # a refund to a client
			ref + "16": (transfer_matching.R_REFUND, inv[0], None),  # a transfer returned
			ref + "17/1": (transfer_matching.R_MATCHED, inv[13], ticket[13]),
			ref + "17/2": (transfer_matching.R_MATCHED, inv[14], ticket[14]),
			ref + "17/3": (transfer_matching.R_UNKNOWN, None, None),
			ref + "19": (transfer_matching.R_REFUND, credit_note.name, None),
			ref + "20": (transfer_matching.R_MATCHED, inv[17], ticket[17]),
		}
		content = camt_files.write_camt053(entries, statement_id=f"{self.tag}-{self.today:%Y%m%d}")
		return content, expected, {"customers": customer, "tickets": ticket, "invoices": inv}

	def pay_by_hand(self, invoice: str) -> str:
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		payment = get_payment_entry("Sales Invoice", invoice)
		payment.reference_no, payment.reference_date = "CHQ-1", self.today
		return payment.insert().submit().name

	def import_in_french(self, statement: str) -> dict:
		frappe.local.lang = "fr"
		try:
			return statement_api.import_statement(statement)
		finally:
			frappe.local.lang = "en"

	def transactions(self) -> dict[str, frappe._dict]:
		"""This test's Bank Transactions by the bank's reference."""
		rows = frappe.get_all(
			"Bank Transaction",
			filters={"transaction_id": ("like", f"{self.tag}-%"), "docstatus": 1},
			fields=[
				"name",
				"transaction_id",
				"status",
				"deposit",
				"withdrawal",
				"unallocated_amount",
				"party",
				"bank_account",
				"dds_match_reason",
				"dds_match_note",
				"dds_invoice",
				"dds_bank_statement",
			],
		)
		return {row.transaction_id: row for row in rows}

	def payments(self) -> list[frappe._dict]:
		return frappe.get_all(
			"Payment Entry",
			filters={"reference_no": ("like", f"{self.tag}-%"), "docstatus": 1},
			fields=[
				"name",
				"reference_no",
				"reference_date",
				"posting_date",
				"paid_to",
				"paid_amount",
				"clearance_date",
				"bank_account",
			],
		)


class TestBankStatementImport(StatementCase):
	# ------------------------------------------------------------------ the day's statement
	def test_r_tkt_4_r_acc_2_statement_matches_what_is_safe_and_leaves_the_rest_with_its_reason(self):
		content, expected, made = self.day_statement()
		self.assertGreaterEqual(len(camt053.parse_camt053(content).transactions), 20)
		statement = new_statement(content, self.bank_account)
		result = self.import_in_french(statement.name)

		statement.reload()
		self.assertEqual(statement.status, "Imported")
		self.assertEqual(
			{k: result[k] for k in assistance_bank_statement.RESULT_FIELDS},
			{
				"transactions": 22,
				"imported": 21,
				"already_imported": 0,
				"not_booked": 1,  # pending: imported with the statement that books it
				"matched": 9,
				"unmatched": 12,
				"failed": 0,
			},
		)
		self.assertEqual(statement.statement_id, f"{self.tag}-{self.today:%Y%m%d}")

		rows = self.transactions()
		self.assertEqual(len(rows), 21)
		self.assertNotIn(f"{self.tag}-18", rows)
		fee = rows.pop(f"{self.tag}-15")
		self.assertEqual(
			(fee.dds_match_reason, fee.withdrawal, fee.status),
			(transfer_matching.R_REFUND, 12.5, "Unreconciled"),
		)
		self.assertIn("Débit de 12.50 EUR", fee.dds_match_note)
		self.assertEqual(
			{ref: (row.dds_match_reason, row.dds_invoice) for ref, row in rows.items()},
			{ref: (reason, invoice) for ref, (reason, invoice, _ticket) in expected.items()},
		)
		for row in rows.values():
			self.assertEqual((row.bank_account, row.dds_bank_statement), (self.bank_account, statement.name))

		payments = {pe.reference_no: pe for pe in self.payments()}
		matched = {ref: exp for ref, exp in expected.items() if exp[0] == transfer_matching.R_MATCHED}
		self.assertEqual(sorted(payments), sorted(matched))
		for ref, (_reason, invoice, ticket) in matched.items():
			with self.subTest(ref=ref):
				pe, bt = payments[ref], rows[ref]
				self.assertEqual(
					(pe.paid_to, pe.paid_amount, pe.bank_account), (self.ledger, 100.0, self.bank_account)
				)
				self.assertEqual((pe.reference_date, pe.posting_date, pe.clearance_date), (self.today,) * 3)
				self.assertEqual(
					frappe.get_all(
						"Payment Entry Reference", filters={"parent": pe.name}, pluck="reference_name"
					),
					[invoice],
				)
				# ERPNext's reconciliation: the Bank Transaction allocated to the payment
				self.assertEqual((bt.status, bt.unallocated_amount), ("Reconciled", 0.0))
				self.assertEqual(
					frappe.get_all(
						"Bank Transaction Payments",
						filters={"parent": bt.name},
						fields=["payment_document", "payment_entry", "allocated_amount"],
					),
					[
						{
							"payment_document": "Payment Entry",
							"payment_entry": pe.name,
							"allocated_amount": 100.0,
						}
					],
				)
				self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount"), 0)
				# R-TKT-4: the ticket opens by itself and the client is told
				state = frappe.db.get_value("Assistance Ticket", ticket, ["status", "is_paid"], as_dict=True)
				self.assertEqual((state.status, state.is_paid), ("Open", 1))
				self.assertTrue(
					frappe.db.exists(
						"Communication",
						{"reference_name": ticket, "subject": ("like", "Paiement reçu%")},
					)
				)

		for ref, (reason, _invoice, _ticket) in expected.items():
			if reason == transfer_matching.R_MATCHED:
				continue
			with self.subTest(ref=ref):
				bt = rows[ref]
				self.assertEqual(bt.status, "Unreconciled")
				self.assertFalse(frappe.db.exists("Bank Transaction Payments", {"parent": bt.name}))
				self.assertTrue(bt.dds_match_note)

		inv, tickets = made["invoices"], made["tickets"]
		notes = {
			ref: rows[f"{self.tag}-{ref}"].dds_match_note for ref in ("07", "08", "09", "11", "12", "13")
		}
		self.assertEqual(
			notes["07"],
			f"Le virement de 50.00 EUR est inférieur aux 100.00 EUR restant dus sur la facture {inv[6]}",
		)
		self.assertEqual(
			notes["08"],
			f"Le virement de 120.00 EUR dépasse les 100.00 EUR restant dus sur la facture {inv[7]}",
		)
		self.assertEqual(
			notes["09"],
			f"Le virement de 200.00 EUR mentionne plusieurs factures ({inv[8]}, {inv[9]}) : à ventiler manuellement",
		)
		self.assertIn(f"faute de frappe pour {inv[10]}", notes["11"])
		self.assertIn(f"déjà réglée par l'opération bancaire {self.tag}-02", notes["12"])
		self.assertIn("déjà entièrement réglée", notes["13"])
		# nothing recorded for what was left: the invoices still wait, the tickets stay locked
		for k in (6, 7, 8, 9, 10, 12, 15):
			self.assertEqual(frappe.db.get_value("Sales Invoice", inv[k], "outstanding_amount"), 100.0)
			self.assertEqual(
				frappe.db.get_value("Assistance Ticket", tickets[k], "status"), "Awaiting Payment"
			)
		# the party is named where the transfer named one of its invoices
		self.assertEqual(rows[f"{self.tag}-07"].party, made["customers"][6])
		self.assertIsNone(rows[f"{self.tag}-10"].party)

		# ---- the same statement again, and again as a new upload: nothing changes
		before = (self.transactions(), self.payments(), frappe.db.count("Communication"))
		again = self.import_in_french(statement.name)
		self.assertEqual(
			(
				again["imported"],
				again["already_imported"],
				again["matched"],
				again["unmatched"],
				again["failed"],
			),
			(0, 21, 0, 0, 0),
		)
		duplicate = new_statement(content, self.bank_account)
		third = self.import_in_french(duplicate.name)
		self.assertEqual((third["imported"], third["already_imported"]), (0, 21))
		self.assertEqual((self.transactions(), self.payments(), frappe.db.count("Communication")), before)

		# ---- R-ACC-2: the reconciliation report lists what was left, with why
		period = {"from_date": self.today, "to_date": self.today}
		for k in (6, 7):
			bt = rows[f"{self.tag}-{k + 1:02d}"]
			columns, data = execute({**period, "customer": made["customers"][k]})
			self.assertIn("match_reason", [c["fieldname"] for c in columns])
			[transfer] = [row for row in data if row.get("bank_transaction") == bt.name]
			self.assertEqual(transfer["sales_invoice"], inv[k])
			self.assertEqual(transfer["ticket"], tickets[k])
			self.assertEqual(transfer["transfer_amount"], {6: 50.0, 7: 120.0}[k])
			self.assertIn(UNMATCHED_TRANSFER, transfer["anomalies"])
			self.assertIn(bt.dds_match_note, transfer["anomalies"])
		_columns, data = execute({**period, "anomaly": UNMATCHED_TRANSFER})
		listed = {row["bank_transaction"] for row in data}
		left = {rows[ref].name for ref, exp in expected.items() if exp[0] != transfer_matching.R_MATCHED}
		self.assertTrue(left <= listed)  # credits and the refunds of invoices …
		self.assertNotIn(fee.name, listed)  # … not the bank's charges
		self.assertFalse({rows[ref].name for ref in matched} & listed)
		self.assertTrue(all(not row.get("bank_transaction") or row["anomaly_count"] == 1 for row in data))

	# ------------------------------------------------------------------ what is refused
	def test_a_statement_of_another_account_or_not_a_statement_is_refused_in_french(self):
		entries = [camt_files.Entry([self.transfer("100.00", "x")], reference=f"{self.tag}-X")]
		other = camt_files.write_camt053(entries, account_iban="FR7630004028370001059384612")
		statement = new_statement(other, self.bank_account)
		result = self.import_in_french(statement.name)
		self.assertEqual(result["status"], "Failed")
		self.assertIn("FR7630004028370001059384612", result["error"])
		self.assertIn("Ce relevé est celui du compte", result["error"])

		statement = new_statement("<html><body>pas un relevé</body></html>".encode(), self.bank_account)
		result = self.import_in_french(statement.name)
		self.assertEqual(result["status"], "Failed")
		self.assertIn("n'est pas un relevé bancaire CAMT.053 lisible", result["error"])
		self.assertFalse(self.transactions())

		statement.reload()
		statement.status = "Imported"  # the state is the import's, not an edit's
		self.assertRaises(frappe.ValidationError, statement.save)

		public = frappe.get_doc({"doctype": "File", "file_name": "releve-public.xml", "content": other})
		public.flags.ignore_permissions = True
		public.insert()
		self.assertFalse(public.is_private)
		with self.assertRaises(frappe.ValidationError):  # it shows the clients' payments
			frappe.get_doc(
				{"doctype": STATEMENT, "bank_account": self.bank_account, "statement_file": public.file_url}
			).insert()

	def test_import_is_for_accountants(self):
		statement = new_statement(camt_files.write_camt053([]), self.bank_account)
		frappe.set_user(testing.AGENT)
		try:
			self.assertRaises(frappe.PermissionError, statement_api.import_statement, statement.name)
		finally:
			frappe.set_user("Administrator")

	# ------------------------------------------------------------------ a long statement
	def test_a_long_statement_is_imported_in_the_background(self):
		made = self.invoiced_tickets(3)
		entries = [
			camt_files.Entry([self.transfer("100.00", invoice, customer, k)], reference=f"{self.tag}-{k:02d}")
			for k, (customer, _ticket, invoice) in enumerate(made)
		]
		statement = new_statement(camt_files.write_camt053(entries), self.bank_account)
		with (
			patch.object(assistance_bank_statement, "INLINE_TRANSACTIONS", 2),
			patch("frappe.enqueue") as enqueue,
		):
			result = statement_api.import_statement(statement.name)
		self.assertEqual(result["status"], "Queued")
		self.assertFalse(self.transactions())
		[queued] = enqueue.call_args_list
		self.assertEqual(queued.args[0], assistance_bank_statement.JOB)
		self.assertEqual(testing.job_arguments(queued), {"statement": statement.name})
		self.assertRaises(frappe.ValidationError, statement_api.import_statement, statement.name)

		import_job(statement.name)  # as the worker runs it
		statement.reload()
		self.assertEqual((statement.status, statement.matched, statement.imported), ("Imported", 3, 3))
		for _customer, ticket, _invoice in made:
			self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket, "status"), "Open")

	def test_an_import_that_stopped_is_resumed_by_the_recovery_job(self):
		statement = new_statement(camt_files.write_camt053([]), self.bank_account)
		frappe.db.set_value(
			STATEMENT,
			statement.name,
			{"status": "Importing", "modified": add_to_date(now_datetime(), minutes=-30)},
			update_modified=False,
		)
		with patch("frappe.enqueue") as enqueue:
			resumed = recovery.resume_pending_work()
		self.assertIn(statement.name, resumed)
		queued = [
			testing.job_arguments(call)
			for call in enqueue.call_args_list
			if call.args[0] == assistance_bank_statement.JOB
		]
		self.assertIn({"statement": statement.name}, queued)
		import_job(statement.name)
		self.assertEqual(frappe.db.get_value(STATEMENT, statement.name, "status"), "Imported")


SAVINGS_IBAN = camt_files.french_iban("18306", "00214", "94572136999")


def savings_account() -> str:
	"""A second account of the company (its own ledger account), for files that
	hold the statements of several accounts."""
	company = records.ensure_company()
	ledger = f"Compte épargne DDS - {records.ABBR}"
	if not frappe.db.exists("Account", ledger):
		parent = frappe.db.get_value("Account", {"company": company, "account_type": "Bank", "is_group": 1})
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": "Compte épargne DDS",
				"company": company,
				"parent_account": parent,
				"account_type": "Bank",
				"account_currency": "EUR",
			}
		).insert(ignore_permissions=True)
	name = frappe.db.get_value("Bank Account", {"account": ledger})
	if not name:
		name = (
			frappe.get_doc(
				{
					"doctype": "Bank Account",
					"account_name": "Compte épargne DDS",
					"bank": records.BANK,
					"account": ledger,
					"is_company_account": 1,
					"company": company,
					"iban": SAVINGS_IBAN,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	return name


class TestStatementBounds(StatementCase):
	"""Issue #28: a statement is read in bounded work — a file past its bound is
	refused at once with the bound in French, a large one is never read in the web
	request; a file of several statements is read, each on its own; the
	remittance read is bounded and the explanation says so; Bank Transactions from
	ERPNext's own Bank Statement Import are matched by the same rules."""

	def test_r_acc_2_a_file_of_several_days_and_accounts_is_imported_each_statement_on_its_own(self):
		savings = savings_account()
		made = self.invoiced_tickets(3)
		(c0, t0, i0), (c1, t1, i1), (c2, _t2, i2) = made
		day2 = add_to_date(self.today, days=-1)

		def one(transfers, statement_id, iban=camt_files.COMPANY_IBAN, day=self.today, balance="1000.00"):
			xml = camt_files.write_camt053(
				[camt_files.Entry(transfers, reference=f"{self.tag}-{statement_id}", booking_date=day)],
				statement_id=f"{self.tag}-{statement_id}",
				account_iban=iban,
				opening_balance=D(balance),
			)
			return xml.split(b"<Stmt>")[1].split(b"</Stmt>")[0]

		stmts = [
			one([self.transfer("100.00", i0, c0, 0)], "J1", day=day2, balance="1000.00"),
			one([self.transfer("100.00", i1, c1, 1)], "J2", balance="1100.00"),
			one([self.transfer("100.00", f"Facture {i2}", c2, 2)], "EP", iban=SAVINGS_IBAN, balance="50.00"),
		]
		head = camt_files.write_camt053([], statement_id="x").split(b"<Stmt>")[0]
		content = head + b"".join(b"<Stmt>" + s + b"</Stmt>" for s in stmts) + b"</BkToCstmrStmt></Document>"
		self.assertEqual(len(camt053.parse_camt053_statements(content)), 3)

		statement = new_statement(content, self.bank_account)
		result = self.import_in_french(statement.name)
		statement.reload()
		self.assertEqual((result["status"], result["matched"], result["imported"]), ("Imported", 3, 3))
		rows = self.transactions()
		self.assertEqual(
			{ref: (row.bank_account, row.dds_match_reason, row.dds_invoice) for ref, row in rows.items()},
			{
				f"{self.tag}-J1": (self.bank_account, "matched", i0),
				f"{self.tag}-J2": (self.bank_account, "matched", i1),
				f"{self.tag}-EP": (savings, "matched", i2),  # into the company's account of its IBAN
			},
		)
		self.assertEqual(
			[(p.statement_id, p.bank_account, p.transactions, p.matched) for p in statement.statements],
			[
				(f"{self.tag}-J1", self.bank_account, 1, 1),
				(f"{self.tag}-J2", self.bank_account, 1, 1),
				(f"{self.tag}-EP", savings, 1, 1),
			],
		)
		# the file as a statement of its account: its first and last days, balances
		self.assertEqual((getdate(statement.from_date), getdate(statement.to_date)), (day2, self.today))
		self.assertEqual((statement.opening_balance, statement.closing_balance), (1000.0, 1200.0))
		self.assertEqual(frappe.db.get_value("Assistance Ticket", t0, "status"), "Open")
		# again: nothing more
		again = self.import_in_french(statement.name)
		self.assertEqual((again["imported"], again["already_imported"]), (0, 3))
		self.assertEqual(len(self.transactions()), 3)

	def test_a_file_past_its_size_is_refused_at_once_with_the_bound_in_french(self):
		content = camt_files.write_camt053([])
		padded = content.replace(b"<GrpHdr>", b"<GrpHdr><!--" + b" " * (limits.MB) + b"-->", 1)
		statement = new_statement(padded, self.bank_account)
		with (
			patch.object(limits, "STATEMENT_MB", 1),
			patch.object(bank.camt053, "parse_camt053_statements", side_effect=AssertionError("read")),
			patch("frappe.enqueue") as enqueue,
		):
			result = self.import_in_french(statement.name)
		self.assertEqual(result["status"], "Failed")
		self.assertEqual(
			result["error"],
			"Le fichier de relevé dépasse 1 Mo (1.0 Mo) : téléchargez le relevé sur moins de jours.",
		)
		self.assertFalse(enqueue.called)
		# within its bound, the same file is read (by a worker: it is larger than a request reads)
		with patch.object(limits, "STATEMENT_MB", 2), patch("frappe.enqueue"):
			self.assertEqual(self.import_in_french(statement.name)["status"], "Queued")
			import_job(statement.name)
		self.assertEqual(frappe.db.get_value(STATEMENT, statement.name, "status"), "Imported")

	def test_a_file_larger_than_a_request_reads_goes_to_a_worker_unread(self):
		made = self.invoiced_tickets(1)
		[(customer, ticket, invoice)] = made
		entries = [
			camt_files.Entry([self.transfer("100.00", invoice, customer)], reference=f"{self.tag}-BIG")
		]
		content = camt_files.write_camt053(entries)
		statement = new_statement(content, self.bank_account)
		self.assertLess(len(content), limits.STATEMENT_INLINE_KB * 1024)  # one transfer: read at once …
		with (
			patch.object(limits, "STATEMENT_INLINE_KB", len(content) // 1024 - 1),  # … unless larger
			patch.object(bank.camt053, "parse_camt053_statements", side_effect=AssertionError("read")),
			patch("frappe.enqueue") as enqueue,
		):
			result = statement_api.import_statement(statement.name)
		self.assertEqual(result["status"], "Queued")
		[queued] = enqueue.call_args_list
		self.assertEqual(testing.job_arguments(queued), {"statement": statement.name})
		import_job(statement.name)
		self.assertEqual(frappe.db.get_value(STATEMENT, statement.name, "matched"), 1)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket, "status"), "Open")

	def test_a_remittance_of_many_lines_is_read_up_to_its_bound_and_the_note_says_so(self):
		[(customer, _ticket, invoice)] = self.invoiced_tickets(1)
		lines = f"Facture {invoice} " + "x" * 120
		transfer = self.transfer("100.00", lines * 5_000, customer)  # 700 kB of remittance in one transfer
		content = camt_files.write_camt053([camt_files.Entry([transfer], reference=f"{self.tag}-LONG")])
		statement = new_statement(content, self.bank_account)
		with patch("frappe.enqueue"):
			self.assertEqual(statement_api.import_statement(statement.name)["status"], "Queued")
		frappe.local.lang = "fr"
		try:
			import_job(statement.name)
		finally:
			frappe.local.lang = "en"
		row = self.transactions()[f"{self.tag}-LONG"]
		self.assertEqual((row.dds_match_reason, row.dds_invoice), ("matched", invoice))
		self.assertTrue(
			row.dds_match_note.endswith(
				f"Seuls les {limits.REFERENCE_CHARACTERS} premiers caractères de son libellé ont été lus."
			),
			row.dds_match_note,
		)
		description = frappe.db.get_value("Bank Transaction", row.name, "description")
		self.assertLess(len(description), 2 * limits.REFERENCE_CHARACTERS)

	# ------------------------------------------------------------------ ERPNext's own import
	def erpnext_import(self, rows: list[tuple]) -> tuple[str, list]:
		"""The accountant's CSV through ERPNext's Bank Statement Import, submitted."""
		lines = ["Date,Deposit,Withdrawal,Description,Reference Number,Currency,Bank Account"]
		lines += [",".join([*(str(value) for value in row), self.bank_account]) for row in rows]
		file_url = statement_file("\n".join(lines).encode(), "releve.csv")
		doc = frappe.get_doc(
			{
				"doctype": "Bank Statement Import",
				"company": records.ensure_company(),
				"bank_account": self.bank_account,
				"bank": records.BANK,
				"reference_doctype": "Bank Transaction",
				"import_type": "Insert New Records",
				"submit_after_import": 1,
				"import_file": file_url,
				"template_options": '{"column_to_field_map": {}}',
			}
		).insert(ignore_permissions=True)
		with patch("frappe.enqueue", wraps=frappe.enqueue) as enqueue:
			doc.start_import()  # ERPNext runs it at once in tests
		frappe.db.commit()
		return doc.name, [c for c in enqueue.call_args_list if c.args and c.args[0] == bank.MATCH_JOB]

	def imported_rows(self) -> dict[str, frappe._dict]:
		rows = frappe.get_all(
			"Bank Transaction",
			filters={"reference_number": ("like", f"{self.tag}-%"), "docstatus": 1},
			fields=[
				"name",
				"reference_number",
				"status",
				"dds_match_reason",
				"dds_match_note",
				"dds_invoice",
			],
		)
		return {row.reference_number: row for row in rows}

	def test_r_tkt_4_bank_transactions_from_erpnexts_bank_statement_import_are_matched_by_the_same_rules(
		self,
	):
		made = self.invoiced_tickets(3)
		(c0, t0, i0), (c1, t1, i1), (_c2, t2, i2) = made
		day = self.today.isoformat()
		name, queued = self.erpnext_import(
			[
				(day, "100.00", "", f"VIR SEPA {c0} Facture {i0}", f"{self.tag}-1", "EUR"),
				(day, "60.00", "", f"Acompte {i1}", f"{self.tag}-2", "EUR"),
				(day, "100.00", "", f"Ticket {t2}", f"{self.tag}-3", "EUR"),
				(day, "", "12.50", "FRAIS TENUE DE COMPTE", f"{self.tag}-4", "EUR"),
			]
		)
		self.assertIn(frappe.db.get_value("Bank Statement Import", name, "status"), ("Success",))
		self.assertTrue(queued)  # each submitted transaction asks for the matching, once
		rows = self.imported_rows()
		self.assertEqual(len(rows), 4)
		self.assertFalse([row for row in rows.values() if row.dds_match_reason])

		frappe.local.lang = "fr"
		try:
			counts = match_job()  # as the worker runs it
		finally:
			frappe.local.lang = "en"
		self.assertEqual((counts["matched"], counts["failed"]), (2, 0))
		rows = self.imported_rows()
		self.assertEqual(
			{ref: (row.dds_match_reason, row.dds_invoice, row.status) for ref, row in rows.items()},
			{
				f"{self.tag}-1": ("matched", i0, "Reconciled"),
				f"{self.tag}-2": ("partial_payment", i1, "Unreconciled"),
				f"{self.tag}-3": ("matched", i2, "Reconciled"),  # by the ticket's name
				f"{self.tag}-4": ("refund", None, "Unreconciled"),
			},
		)
		self.assertIn("est inférieur aux 100.00 EUR restant dus", rows[f"{self.tag}-2"].dds_match_note)
		for ticket in (t0, t2):
			self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket, "status"), "Open")
		self.assertEqual(frappe.db.get_value("Assistance Ticket", t1, "status"), "Awaiting Payment")
		# run again: nothing more (one payment each, the notes as they were)
		payments = frappe.db.count("Payment Entry Reference", {"reference_name": ("in", [i0, i2])})
		self.assertEqual(sum(match_job().values()), 0)
		self.assertEqual(
			frappe.db.count("Payment Entry Reference", {"reference_name": ("in", [i0, i2])}), payments
		)
		self.assertEqual(self.imported_rows(), rows)

	def test_matching_of_erpnexts_import_lost_with_its_job_is_resumed_by_the_recovery_job(self):
		[(customer, ticket, invoice)] = self.invoiced_tickets(1)
		with patch.object(bank, "enqueue_resumable"):  # the job is lost
			self.erpnext_import(
				[(self.today.isoformat(), "100.00", "", f"Facture {invoice}", f"{self.tag}-R", "EUR")]
			)
		[row] = self.imported_rows().values()
		frappe.db.set_value(
			"Bank Transaction",
			row.name,
			"modified",
			add_to_date(now_datetime(), minutes=-30),
			update_modified=False,
		)
		with patch("frappe.enqueue") as enqueue:
			resumed = recovery.resume_pending_work()
		self.assertIn(bank.MATCH_JOB, resumed)
		self.assertIn(bank.MATCH_JOB, [c.args[0] for c in enqueue.call_args_list])
		match_job()
		self.assertEqual(self.imported_rows()[f"{self.tag}-R"].dds_match_reason, "matched")
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket, "status"), "Open")
