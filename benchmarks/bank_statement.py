"""Bank statement benchmark (getting paid: R-TKT-4, R-ACC-2).

Generates a CAMT.053 statement of 10 000 transfers paying 10 000 open invoices
(references written the ways clients write them, batches of 3, 10 % anomalies:
partial payments, overpayments, unknown references, refunds), then prints the
time to parse it (``core.camt053.parse_camt053``), to match it
(``core.transfer_matching.match``), the total and the cost per transaction; then the same
at smaller sizes, so the cost per transaction shows whether the matching stays
near-linear; and whether every decision is the one the generator expected.

    python benchmarks/bank_statement.py [--count 10000] [--version 08]
    python benchmarks/bank_statement.py --shapes      # the files of issue #28, 20 MB each

``--shapes``: files an accountant's bank could send, or someone could make, each
of the largest size read (``core.limits.STATEMENT_MB``) — one transfer whose
remittance is 20 MB of ``Ustrd`` lines, one text of 9 MB, the most transactions
with the longest remittance made of reference-like pieces, a batch of transfers
without amounts, entries past the bound, nesting past the bound, several
statements — each read (parse and match against 10 000 open invoices) or refused,
in a process of its own: its time and its peak memory (RSS) over the file's bytes.

This is a benchmark, not a test: it prints figures and the targets they meet.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dds_assistance.core import limits  # noqa: E402
from dds_assistance.core.camt053 import parse_camt053  # noqa: E402
from dds_assistance.core.transfer_matching import match  # noqa: E402
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


# ---------------------------------------------------------------------------- the shapes of issue #28
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


def _document(statements: str) -> str:
	return (
		f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}"><BkToCstmrStmt>'
		f"<GrpHdr><MsgId>M</MsgId></GrpHdr>{statements}</BkToCstmrStmt></Document>"
	)


def _statement(entries: str, sid: str = "S1") -> str:
	return f"<Stmt><Id>{sid}</Id><Acct><Id><IBAN>{camt_files.COMPANY_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>{entries}</Stmt>"


def _entry(details: str, ref: str = "E1") -> str:
	return (
		'<Ntry><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
		f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
		f"<NtryDtls>{details}</NtryDtls></Ntry>"
	)


def _detail(remittance: str, amount: bool = False) -> str:
	money = '<AmtDtls><TxAmt><Amt Ccy="EUR">100.00</Amt></TxAmt></AmtDtls>' if amount else ""
	return (
		f"<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>{money}"
		f"<RltdPties><Dbtr><Nm>LABORATOIRE DENTAIRE</Nm></Dbtr></RltdPties><RmtInf>{remittance}</RmtInf></TxDtls>"
	)


def _fill(make_one, size: int) -> int:
	"""How many times ``make_one`` fits in ``size`` bytes, the document around it apart."""
	return max(1, (size - len(_document(_statement("")))) // len(make_one.encode()))


def shapes(size: int) -> dict[str, str]:
	"""The files of issue #28, each about ``size`` bytes."""
	line = "<Ustrd>Facture ACC-SINV-2026-00012 " + "x" * 100 + "</Ustrd>"
	long_remittance = _document(_statement(_entry(_detail("@")))).replace("@", line * _fill(line, size - 300))
	one_text = _document(_statement(_entry(_detail("<Ustrd>" + "y" * 9_000_000 + "</Ustrd>"))))
	garbage = "<Ustrd>" + ("ACC-SINV-2026-" * 11)[:140] + "</Ustrd>"
	crafted = _entry(_detail(garbage * 8, amount=True), "R")
	most = _document(_statement(crafted * min(limits.STATEMENT_TRANSACTIONS, _fill(crafted, size))))
	batch_part = _detail("<Ustrd>Facture ACC-SINV-2026-00012 merci</Ustrd>")
	batch = _document(
		_statement(_entry(batch_part * min(limits.STATEMENT_TRANSACTIONS, _fill(batch_part, size))))
	)
	tiny = _entry(_detail("<Ustrd>ACC-SINV-2026-00012</Ustrd>"), "T")
	many_entries = _document(_statement(tiny * _fill(tiny, size)))
	deep = _document(_statement("<Ntry>" + "<X>" * 100_000 + "</X>" * 100_000 + "</Ntry>"))
	day = _statement(tiny * 10, "DAY")
	many_statements = _document(day * min(limits.STATEMENT_STATEMENTS, _fill(day, size)))
	too_many_statements = _document(day * (limits.STATEMENT_STATEMENTS + 1))
	return {
		"one transfer, 20 MB of Ustrd lines": long_remittance,
		"one transfer, one 9 MB text": one_text,
		"10 000 transfers, 1 000 characters of references each": most,
		"a batch of 10 000 transfers without amounts": batch,
		"tiny entries past 10 000 transactions": many_entries,
		"100 000 levels of nesting": deep,
		"500 statements of 10 entries": many_statements,
		"501 statements": too_many_statements,
	}


PROBE = """
import json, sys, time
sys.path.insert(0, sys.argv[2])
from dds_assistance.core.camt053 import parse_camt053_statements
from dds_assistance.core.errors import RuleError
from dds_assistance.core.transfer_matching import match
from dds_assistance.samples import camt_files


def memory(field):
	# kB of the process: VmRSS now, VmHWM its peak since the last reset
	for line in open("/proc/self/status"):
		if line.startswith(field + ":"):
			return int(line.split()[1])


invoices = camt_files.invoices(10_000)
with open("/proc/self/clear_refs", "w") as handle:
	handle.write("5")  # the peak starts again from here
base = memory("VmRSS")
xml = open(sys.argv[1], "rb").read()
began = time.perf_counter()
result = {"bytes": len(xml)}
try:
	statements = parse_camt053_statements(xml)
	parsed = time.perf_counter()
	transactions = [t for s in statements for t in s.transactions]
	decisions = match(transactions, invoices)
	result.update(
		outcome=f"read: {len(transactions):,} transactions",
		parse=parsed - began,
		match=time.perf_counter() - parsed,
		truncated=sum(t.truncated for t in transactions),
	)
except RuleError as error:
	result.update(outcome=f"refused: {error.code}", parse=time.perf_counter() - began, match=0.0)
result["rss"] = memory("VmHWM") / 1024
result["grown"] = (memory("VmHWM") - base) / 1024  # the file's bytes included
print(json.dumps(result))
"""


def run_shapes(size: int):
	root = str(Path(__file__).resolve().parent.parent)
	print(
		f"files of issue #28 (bounds: {limits.STATEMENT_MB} MB, {limits.STATEMENT_TRANSACTIONS:,} transactions, "
		f"{limits.STATEMENT_STATEMENTS} statements, depth {limits.STATEMENT_DEPTH}, "
		f"{limits.REFERENCE_CHARACTERS:,} characters of remittance read); 10 000 open invoices"
	)
	print(
		f"{'file':<56} {'MB':>5} {'outcome':<48} {'parse s':>8} {'match s':>8} {'peak RSS':>9} {'read it':>8}"
	)
	worst = 0.0
	for name, xml in shapes(size).items():
		with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
			handle.write(xml.encode())
			handle.flush()
			del xml
			out = subprocess.run(
				[sys.executable, "-c", PROBE, handle.name, root], capture_output=True, text=True, check=True
			).stdout
		r = json.loads(out)
		total = r["parse"] + r["match"]
		worst = max(worst, total)
		outcome = r["outcome"] + (f" ({r['truncated']:,} cut)" if r.get("truncated") else "")
		print(
			f"{name:<56} {r['bytes'] / 1e6:>5.1f} {outcome:<48} {r['parse']:>8.2f} {r['match']:>8.2f} "
			f"{r['rss']:>6.0f} MB {r['grown']:>5.0f} MB"
		)
	print(f"slowest file read or refused in {worst:.1f} s  (target: seconds)")
	print("peak RSS: the process (Python, the parser, 10 000 open invoices); read it: its growth while it")
	print("read the file (the file's bytes included)")


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--count", type=int, default=10_000, help="transfers and open invoices")
	parser.add_argument("--version", choices=("02", "08"), default="08", help="camt.053.001 version")
	parser.add_argument("--anomalies", type=float, default=0.1, help="share of transfers that are not clean")
	parser.add_argument("--shapes", action="store_true", help="the files of issue #28 instead")
	args = parser.parse_args()
	if args.shapes:
		run_shapes(limits.STATEMENT_MB * limits.MB)
		return

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
