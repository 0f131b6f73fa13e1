"""SEPA direct debit benchmark (#29): a batch of 10 000 Premium renewals.

Makes 10 000 renewal invoices of 10 000 clients with their mandates (a tenth of them
collected for the first time: FRST), decides which can be collected on the date
(``core.sepa_debit.collection_refusals``), writes the pain.008.001.02 file
(``sepaxml``) and checks it against the official schema, reads it back; then the
bank's answer — a camt.053 statement crediting each payment information block as
one amount (with its details), and 1 % of the debits returned (AM04, MD01, MS02) —
parsed (``core.camt053``) and matched (``core.direct_debit_matching``). Prints the
time of each step, the cost per debit, and whether every decision is the expected one.

    python benchmarks/sepa_debit.py [--count 10000]

This is a benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dds_assistance.core import camt053, sepa_debit  # noqa: E402
from dds_assistance.core import direct_debit_matching as ddm  # noqa: E402
from dds_assistance.samples import camt_files, sepa_files  # noqa: E402

DAY = date(2026, 3, 16)
NOTIFIED = date(2026, 3, 2)
CREDITOR = sepa_debit.Creditor(
	"3D Dental Store",
	camt_files.COMPANY_IBAN,
	camt_files.COMPANY_BIC,
	"FR72ZZZ123456",
	address_lines=("Rouen",),
)


def run(count: int) -> dict:
	figures = {}
	clock = time.perf_counter()
	ibans = [camt_files.french_iban("30004", "02837", f"{i:011d}") for i in range(count)]
	items = []
	for i in range(count):
		mandate = sepa_debit.MandateFacts(
			f"RUM-C{i:06d}-01",
			"CORE",
			signed_on=date(2025, 1, 5),
			presented=i % 10 != 0,
			last_collection_on=date(2025, 3, 16) if i % 10 else None,
		)
		items.append(
			sepa_debit.InvoiceToCollect(
				invoice=f"ACC-SINV-2026-{i:06d}",
				outstanding=Decimal("1188.00") + Decimal(i % 7),
				mandate=mandate,
				prenotified_on=NOTIFIED,
				debit_date=DAY,
			)
		)
	collectable = [item for item in items if not sepa_debit.collection_refusals(item, DAY, "CORE")]
	debits = [
		sepa_debit.Debit(
			end_to_end_id=item.invoice,
			amount=item.outstanding,
			mandate_reference=item.mandate.reference,
			mandate_signed_on=item.mandate.signed_on,
			debtor_name=f"Laboratoire dentaire n° {i}",
			debtor_iban=ibans[i],
			sequence_type=sepa_debit.sequence_type(item.mandate),
		)
		for i, item in enumerate(collectable)
	]
	figures["decide"] = time.perf_counter() - clock

	clock = time.perf_counter()
	xml = sepa_debit.build_pain008(CREDITOR, DAY, "CORE", debits, validate=False)
	figures["write"] = time.perf_counter() - clock
	clock = time.perf_counter()
	errors = sepa_debit.schema_errors(xml)
	figures["xsd"] = time.perf_counter() - clock
	clock = time.perf_counter()
	asked = sepa_debit.read_pain008(xml)
	figures["read back"] = time.perf_counter() - clock

	returned = {
		debit.end_to_end_id: reason
		for debit, reason in zip(debits[::100], ("AM04", "MD01", "MS02") * count, strict=False)
	}
	pending = [
		ddm.Debit("DDB-BENCH", block.id, e2e, e2e, f"Labo {e2e}", mandate, amount)
		for block in asked.blocks
		for e2e, amount, mandate in zip(block.end_to_end_ids, block.amounts, block.mandates, strict=True)
	]
	entries = [
		sepa_files.DebitEntry(
			f"BK-{block.id}",
			[
				sepa_files.Collected(e2e, amount, mandate)
				for e2e, amount, mandate in zip(
					block.end_to_end_ids, block.amounts, block.mandates, strict=True
				)
			],
			block.id,
			detailed=False,
			booking_date=DAY,
		)
		for block in asked.blocks
	]
	entries += [
		sepa_files.DebitEntry(
			f"RT-{i}",
			[sepa_files.Collected(d.end_to_end_id, d.amount, d.mandate)],
			reason=returned[d.end_to_end_id],
			booking_date=DAY,
		)
		for i, d in enumerate(p for p in pending if p.end_to_end_id in returned)
	]
	statement = sepa_files.write_camt053(entries, day=DAY)
	clock = time.perf_counter()
	transactions = camt053.parse_camt053(statement).transactions
	figures["parse statement"] = time.perf_counter() - clock
	clock = time.perf_counter()
	decisions = ddm.match_debits(transactions, pending)
	collected = {
		d.end_to_end_id for dec in decisions.values() if dec.action == ddm.COLLECT for d in dec.debits
	}
	# the returns come after the credit: the debits are then collected
	after = [ddm.Debit(**{**d.__dict__, "state": sepa_debit.COLLECTED}) for d in pending]
	returns = ddm.match_debits([t for t in transactions if t.id.startswith("RT-")], after)
	figures["match"] = time.perf_counter() - clock
	right = (
		collected == {d.end_to_end_id for d in pending}
		and {
			dec.debits[0].end_to_end_id: dec.return_code
			for dec in returns.values()
			if dec.action == ddm.RETURN
		}
		== returned
	)
	return {
		"count": count,
		"debits": len(debits),
		"frst": sum(1 for d in debits if d.sequence_type == "FRST"),
		"file_mb": len(xml) / 1e6,
		"valid": not errors,
		"blocks": len(asked.blocks),
		"statement_entries": len(transactions),
		"returns": len(returned),
		"right": right,
		**figures,
	}


def main():
	parser = argparse.ArgumentParser()
	parser.add_argument("--count", type=int, default=10000)
	count = parser.parse_args().count
	for size in sorted({count, max(count // 10, 1)}, reverse=True):
		r = run(size)
		total = r["decide"] + r["write"] + r["xsd"] + r["read back"]
		print(
			f"{r['count']:>6} renewals: {r['debits']} debits ({r['frst']} FRST) in {r['blocks']} blocks, "
			f"pain.008 {r['file_mb']:.1f} MB, valid against the XSD: {r['valid']}"
		)
		print(
			f"        decide {r['decide']:.2f} s, write (sepaxml) {r['write']:.2f} s, XSD check {r['xsd']:.2f} s, "
			f"read back {r['read back']:.2f} s — batch file {total:.2f} s, {total / r['debits'] * 1e6:.0f} µs a debit"
		)
		print(
			f"        statement: {r['statement_entries']} entries ({r['returns']} returns) parsed in {r['parse statement']:.2f} s, "
			f"matched in {r['match']:.2f} s ({r['match'] / r['debits'] * 1e6:.0f} µs a debit); every decision as expected: {r['right']}"
		)


if __name__ == "__main__":
	main()
