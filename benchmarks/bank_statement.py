"""Bank statement benchmark (getting paid: R-TKT-4, R-ACC-2).

Generates a CAMT.053 statement of 10 000 transfers paying 10 000 open invoices
(references written the ways clients write them, batches of 3, 10 % anomalies:
partial payments, overpayments, unknown references, refunds), then prints the
time to parse it (``core.payments.parse_camt053``), to match it
(``core.payments.match``), the total and the cost per transaction; then the same
at smaller sizes, so the cost per transaction shows whether the matching stays
near-linear; and whether every decision is the one the generator expected.

    python benchmarks/bank_statement.py [--count 10000] [--version 08]

This is a benchmark, not a test: it prints figures and the targets they meet.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dds_assistance.core.camt053 import parse_camt053  # noqa: E402
from dds_assistance.core.transfer_matching import match
from dds_assistance.samples import camt_files  # noqa: E402


def run(count: int, version: str, anomalies: float) -> dict:
	invoices = camt_files.invoices(count)
	entries = camt_files.payments_for(invoices, count, anomalies=anomalies, batch_size=3)
	xml = camt_files.write_camt053(entries, version=version)
	began = time.perf_counter()
	statement = parse_camt053(xml)
	parsed = time.perf_counter()
	decisions = match(statement.transactions, invoices)
	matched = time.perf_counter()
	expected = camt_files.expected_outcomes(entries)
	return {
		"count": count,
		"bytes": len(xml),
		"transactions": len(statement.transactions),
		"parse": parsed - began,
		"match": matched - parsed,
		"total": matched - began,
		"reasons": Counter(d.reason for d in decisions),
		"as_expected": [(d.reason, d.invoice) for d in decisions] == expected,
	}


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--count", type=int, default=10_000, help="transfers and open invoices")
	parser.add_argument("--version", choices=("02", "08"), default="08", help="camt.053.001 version")
	parser.add_argument("--anomalies", type=float, default=0.1, help="share of transfers that are not clean")
	args = parser.parse_args()

	result = run(args.count, args.version, args.anomalies)
	n = result["transactions"]
	print(
		f"camt.053.001.{args.version}: {n:,} transactions ({result['bytes'] / 1e6:.1f} MB) "
		f"against {args.count:,} open invoices"
	)
	print(f"{'parse':>8} {result['parse']:>8.3f} s {1e6 * result['parse'] / n:>8.1f} µs/transaction")
	print(f"{'match':>8} {result['match']:>8.3f} s {1e6 * result['match'] / n:>8.1f} µs/transaction")
	print(f"{'total':>8} {result['total']:>8.3f} s {1e6 * result['total'] / n:>8.1f} µs/transaction")
	print("decisions: " + ", ".join(f"{reason} {k:,}" for reason, k in result["reasons"].most_common()))
	print(f"every decision as the generator expected: {'yes' if result['as_expected'] else 'NO'}")

	print("\nscaling (transfers = open invoices)")
	print(f"{'n':>8} {'parse µs/tx':>12} {'match µs/tx':>12}")
	sizes = sorted({max(1, args.count // 10), max(1, args.count // 4), max(1, args.count // 2)})
	rows = [run(size, args.version, args.anomalies) for size in sizes] + [result]
	for row in rows:
		size = row["transactions"]
		print(f"{size:>8,} {1e6 * row['parse'] / size:>12.1f} {1e6 * row['match'] / size:>12.1f}")
	smallest, largest = rows[0], rows[-1]
	growth = (largest["match"] / largest["transactions"]) / (smallest["match"] / smallest["transactions"])
	print(
		f"match cost per transaction at {largest['transactions']:,} / at {smallest['transactions']:,}: "
		f"{growth:.2f}  (near-linear, target < 2: {'met' if growth < 2 else 'NOT met'})"
	)


if __name__ == "__main__":
	main()
