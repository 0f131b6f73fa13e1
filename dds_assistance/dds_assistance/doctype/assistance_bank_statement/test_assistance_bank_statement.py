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
from dds_assistance.core import camt053, transfer_matching
from dds_assistance.dds_assistance.doctype.assistance_bank_statement import assistance_bank_statement
from dds_assistance.dds_assistance.report.assistance_ticket_reconciliation.assistance_ticket_reconciliation import (
	UNMATCHED_TRANSFER,
	execute,
)
from dds_assistance.jobs import recovery
from dds_assistance.jobs.bank_statements import import_statement as import_job
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


class TestBankStatementImport(testing.AssistanceTestCase):
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
