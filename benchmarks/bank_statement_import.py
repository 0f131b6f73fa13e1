"""Bank statement import benchmark on a bench site (getting paid: R-TKT-4, R-ACC-2).

Seeds N on-demand tickets accepted through the app (default 200: each with its
submitted Sales Invoice and its acknowledgement), then imports a CAMT.053
statement of N transfers paying them (references written the ways clients write
them, 10 % anomalies: partial payments, overpayments, unknown references,
refunds) through an Assistance Bank Statement, as the accountant's *Import* does:
one ERPNext Bank Transaction per transaction; for each transfer that pays an
invoice in full, its Payment Entry (ERPNext's ``get_payment_entry``), the
reconciliation (ERPNext's bank reconciliation tool) and the ticket opened with its
"payment received" mail. Prints the time per transaction — matched and left to
the accountant apart — checks every outcome against the generator's expectation,
imports the same file again (nothing may change) and removes what it made.

The parse + match figure of 10 000 transactions (no database) is
``benchmarks/bank_statement.py``'s.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/bank_statement_import.py --site SITE [--count 200]
"""

import argparse
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import connect, remove_invoices  # noqa: E402

PREFIX = "BENCH-BANK-"
CLIENTS = 20


def seed(frappe, count: int, tag: str) -> list:
	"""``count`` accepted on-demand tickets of ``CLIENTS`` clients: their open invoices."""
	from dds_assistance.api import ticket as ticket_api
	from dds_assistance.core import transfer_matching
	from dds_assistance.samples import records

	customers = [
		records.ensure_customer(f"{PREFIX}{k:02d}", f"{PREFIX}{k:02d}", f"bank.bench.{k}@example.com")
		for k in range(CLIENTS)
	]
	invoices = []
	for k in range(count):
		ticket = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": f"{PREFIX}{tag} {k}",
				"customer": customers[k % CLIENTS],
				"channel": "Phone",
				"serial_no": f"SN-{k}",
				"equipment_reference": "exocad DentalCAD",
				"description": "exocad ne démarre plus après la mise à jour du pilote graphique.",
			}
		).insert()
		invoice = ticket_api.accept(ticket.name)["sales_invoice"]
		invoices.append(
			transfer_matching.OpenInvoice(invoice, customers[k % CLIENTS], 100, 100, ticket=ticket.name)
		)
		frappe.db.commit()
	return invoices


def statement_xml(invoices, count: int, tag: str, day) -> tuple[bytes, list]:
	from dds_assistance.samples import camt_files

	entries = camt_files.payments_for(invoices, count, anomalies=0.1, booking_date=day)
	for entry in entries:  # the bank's references of this run
		entry.reference = f"{PREFIX}{tag}-{entry.reference}"
	return camt_files.write_camt053(entries, statement_id=f"{PREFIX}{tag}"), camt_files.expected_outcomes(
		entries
	)


def timed_recording(bank):
	"""Time each transaction's recording (matched or not) inside the real import."""
	times = {True: [], False: []}
	record = bank.record_transaction

	def timed(*args, **kwargs):
		began = time.perf_counter()
		result = record(*args, **kwargs)
		times[result[1]].append(time.perf_counter() - began)
		return result

	bank.record_transaction = timed
	return times, lambda: setattr(bank, "record_transaction", record)


def run(frappe, count: int, keep: bool):
	from frappe.utils import getdate, nowdate

	from dds_assistance.integrations import bank_statement as bank
	from dds_assistance.samples import records

	records.ensure_assistance_setup()
	bank_account = records.ensure_bank_account()
	frappe.db.commit()
	tag = frappe.generate_hash(length=5).upper()
	today = getdate(nowdate())

	began = time.perf_counter()
	invoices = seed(frappe, count, tag)
	seeded = time.perf_counter() - began
	print(
		f"seeded {count} accepted tickets with their Sales Invoices in {seeded:.1f} s ({1000 * seeded / count:.0f} ms each)"
	)

	xml, expected = statement_xml(invoices, count, tag, today)
	file = frappe.get_doc(
		{"doctype": "File", "file_name": f"{PREFIX}{tag}.xml", "is_private": 1, "content": xml}
	)
	file.flags.ignore_permissions = True
	file.insert()
	statement = frappe.get_doc(
		{
			"doctype": "Assistance Bank Statement",
			"bank_account": bank_account,
			"statement_file": file.file_url,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()

	times, restore = timed_recording(bank)
	began = time.perf_counter()
	statement.run_import()  # what the background job runs
	total = time.perf_counter() - began
	restore()
	statement.reload()
	n = statement.transactions
	print(
		f"\nimport of {n} transactions ({len(xml) / 1e3:.0f} kB): {total:.1f} s, "
		f"{1000 * total / n:.0f} ms per transaction"
	)
	for matched, label in (
		(True, "paid: Payment Entry + reconciliation + ticket opened"),
		(False, "left to the accountant"),
	):
		rows = times[matched]
		if rows:
			print(
				f"  {label:<55} {len(rows):>4}  median {1000 * statistics.median(rows):>5.0f} ms"
				f"  p95 {1000 * sorted(rows)[int(0.95 * (len(rows) - 1))]:>5.0f} ms"
			)
	outside = total - sum(times[True]) - sum(times[False])
	print(f"  {'reading, parsing, matching, counting':<55}        {1000 * outside:>5.0f} ms in all")

	rows = frappe.get_all(
		"Bank Transaction",
		filters={"dds_bank_statement": statement.name},
		fields=["transaction_id", "dds_match_reason", "dds_invoice", "status"],
		order_by="creation asc, name asc",
	)
	got = [
		(
			r.dds_match_reason,
			r.dds_invoice if r.dds_match_reason not in ("unknown_reference", "refund") else None,
		)
		for r in rows
	]
	reasons = Counter(r.dds_match_reason for r in rows)
	opened = frappe.db.count(
		"Assistance Ticket", {"name": ("in", [i.ticket for i in invoices]), "status": "Open", "is_paid": 1}
	)
	print("outcomes: " + ", ".join(f"{reason} {k}" for reason, k in reasons.most_common()))
	print(
		f"every outcome as the generator expected: {'yes' if got == expected else 'NO'}; "
		f"tickets opened {opened} = matched {statement.matched}: {'yes' if opened == statement.matched else 'NO'}; "
		f"reconciled {sum(r.status == 'Reconciled' for r in rows)}"
	)

	began = time.perf_counter()
	statement.run_import()
	again = time.perf_counter() - began
	statement.reload()
	print(
		f"\nsame statement again: {again:.2f} s, {statement.imported} new, "
		f"{statement.already_imported} already imported (target: nothing new)"
	)
	if not keep:
		cleanup(frappe, statement.name, [i.name for i in invoices], tag)


def cleanup(frappe, statement: str, invoices: list[str], tag: str):
	began = time.perf_counter()
	transactions = frappe.get_all("Bank Transaction", filters={"dds_bank_statement": statement}, pluck="name")
	payments = frappe.get_all(
		"Payment Entry", filters={"reference_no": ("like", f"{PREFIX}{tag}-%")}, pluck="name"
	)
	for name in transactions:
		doc = frappe.get_doc("Bank Transaction", name)
		if doc.docstatus == 1:
			doc.cancel()
		frappe.delete_doc("Bank Transaction", name, force=True, ignore_permissions=True)
	for name in payments:
		doc = frappe.get_doc("Payment Entry", name)
		if doc.docstatus == 1:
			doc.cancel()
		frappe.delete_doc("Payment Entry", name, force=True, ignore_permissions=True)
	tickets = frappe.get_all(
		"Sales Invoice", filters={"name": ("in", invoices)}, pluck="dds_assistance_ticket"
	)
	remove_invoices(frappe, invoices)
	for doctype in ("Communication", "Email Queue", "Comment"):
		frappe.db.delete(doctype, {"reference_name": ("in", tickets)})
	frappe.db.delete("Assistance Ticket", {"name": ("in", tickets)})
	frappe.delete_doc("Assistance Bank Statement", statement, force=True, ignore_permissions=True)
	frappe.db.delete("File", {"file_name": f"{PREFIX}{tag}.xml"})
	frappe.db.commit()
	print(
		f"removed what it made in {time.perf_counter() - began:.0f} s (its {CLIENTS} clients stay for the next run)"
	)


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--count", type=int, default=200, help="tickets, and transfers in the statement")
	parser.add_argument("--keep", action="store_true", help="leave what it made on the site")
	args = parser.parse_args()
	frappe = connect(args.site, args.sites_path)
	frappe.flags.in_test = False
	frappe.set_user("Administrator")
	try:
		run(frappe, args.count, args.keep)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
