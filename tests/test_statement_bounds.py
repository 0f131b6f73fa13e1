"""A bank statement is read in work bounded by its size (R-TKT-4, R-ACC-2; issue #28):
every bound of ``core.limits`` at its value passes and one more is refused with
the bound stated; a remittance longer than what is read is cut, and the
explanation says so; files of several statements are read, each on its own;
references in ``AddtlTxInf`` and ``Strd/AddtlRmtInf`` are found; and the search
for mistyped references gives what a search of every piece of the text gives."""

import random
import resource
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dds_assistance.core import camt053, limits, transfer_matching
from dds_assistance.core.errors import RuleError
from dds_assistance.samples import camt_files

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
IBAN = camt_files.COMPANY_IBAN
OTHER_IBAN = "FR7630004028370001059384612"


def document(*statements: str) -> bytes:
	return (
		f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}"><BkToCstmrStmt>'
		"<GrpHdr><MsgId>M1</MsgId></GrpHdr>" + "".join(statements) + "</BkToCstmrStmt></Document>"
	).encode()


def statement(entries: str = "", sid: str = "S1", iban: str = IBAN, day: str = "2026-03-02") -> str:
	return (
		f"<Stmt><Id>{sid}</Id><FrToDt><FrDtTm>{day}T00:00:00</FrDtTm><ToDtTm>{day}T23:59:59</ToDtTm></FrToDt>"
		f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
		'<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt>'
		f"<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>{entries}</Stmt>"
	)


def entry(details: str = "", ref: str = "E1", amount: str = "100.00", info: str = "") -> str:
	return (
		f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
		f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
		+ (f"<NtryDtls>{details}</NtryDtls>" if details else "")
		+ (f"<AddtlNtryInf>{info}</AddtlNtryInf>" if info else "")
		+ "</Ntry>"
	)


def detail(remittance: str = "", info: str = "", amount: str = "") -> str:
	return (
		"<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>"
		+ (f'<AmtDtls><TxAmt><Amt Ccy="EUR">{amount}</Amt></TxAmt></AmtDtls>' if amount else "")
		+ "<RltdPties><Dbtr><Nm>LABO</Nm></Dbtr></RltdPties>"
		+ (f"<RmtInf>{remittance}</RmtInf>" if remittance else "")
		+ (f"<AddtlTxInf>{info}</AddtlTxInf>" if info else "")
		+ "</TxDtls>"
	)


def ustrd(text: str) -> str:
	return f"<Ustrd>{text}</Ustrd>"


def refused(code: str, xml: bytes) -> RuleError:
	with pytest.raises(RuleError) as caught:
		camt053.parse_camt053_statements(xml)
	assert caught.value.code == code
	return caught.value


def invoice(n: int, amount: str = "100.00") -> transfer_matching.OpenInvoice:
	return transfer_matching.OpenInvoice(
		f"ACC-SINV-2026-{n:05d}", f"Labo {n}", D(amount), D(amount), ticket=f"TKT-2026-{n:05d}"
	)


# ---------------------------------------------------------------------------- several statements
def test_several_statements_are_read_each_on_its_own():
	xml = document(
		statement(entry(detail(ustrd("ACC-SINV-2026-00012")), "A1"), "DAY-1", day="2026-03-02"),
		statement(entry(detail(ustrd("ACC-SINV-2026-00013")), "A1"), "DAY-2", day="2026-03-03"),
		statement(entry(detail(ustrd("Loyer")), "B1"), "OTHER", iban=OTHER_IBAN),
	)
	statements = camt053.parse_camt053_statements(xml)
	assert [(s.id, s.account_iban, s.from_date.day) for s in statements] == [
		("DAY-1", IBAN, 2),
		("DAY-2", IBAN, 3),
		("OTHER", OTHER_IBAN, 2),
	]
	assert [[t.remittance for t in s.transactions] for s in statements] == [
		["ACC-SINV-2026-00012"],
		["ACC-SINV-2026-00013"],
		["Loyer"],
	]
	# the same bank reference on two days is two transactions, each in its statement
	assert [s.transactions[0].id for s in statements] == ["A1", "A1", "B1"]
	assert [s.opening_balance for s in statements] == [D("10.00")] * 3


# ---------------------------------------------------------------------------- where the reference is
def test_an_invoice_number_in_addtltxinf_or_addtlrmtinf_is_found():
	xml = document(
		statement(
			entry(detail(info="VIREMENT FACTURE ACC-SINV-2026-00012"), "T1")
			+ entry(detail("<Strd><AddtlRmtInf>Facture ACC-SINV-2026-00013</AddtlRmtInf></Strd>"), "T2")
			+ entry(detail(ustrd("Assistance exocad")), "T3")
		)
	)
	transactions = camt053.parse_camt053(xml).transactions
	assert transactions[0].additional_info == "VIREMENT FACTURE ACC-SINV-2026-00012"
	assert transactions[1].structured_reference == "Facture ACC-SINV-2026-00013"
	decisions = transfer_matching.match(transactions, [invoice(12), invoice(13)])
	assert [(d.reason, d.invoice) for d in decisions] == [
		("matched", "ACC-SINV-2026-00012"),
		("matched", "ACC-SINV-2026-00013"),
		("unknown_reference", None),
	]


def test_the_additional_information_of_each_detail_of_a_batch_is_its_own():
	details = detail(ustrd("A"), info="ACC-SINV-2026-00012", amount="100.00") + detail(
		ustrd("B"), info="ACC-SINV-2026-00013", amount="100.00"
	)
	transactions = camt053.parse_camt053(document(statement(entry(details, "B1", "200.00")))).transactions
	assert [t.additional_info for t in transactions] == ["ACC-SINV-2026-00012", "ACC-SINV-2026-00013"]


# ---------------------------------------------------------------------------- a remittance too long
def test_many_remittance_lines_are_read_up_to_the_bound_and_the_explanation_says_so():
	line = "Facture ACC-SINV-2026-00012 " + "x" * 100
	lines = 20_000  # 2.6 MB of remittance in one transfer: the schema does not bound the lines
	xml = document(statement(entry(detail(ustrd(line) * lines), "LONG")))
	(t,) = camt053.parse_camt053(xml).transactions
	assert t.truncated
	assert limits.REFERENCE_CHARACTERS - len(line) <= len(t.remittance) <= limits.REFERENCE_CHARACTERS
	(decision,) = transfer_matching.match([t], [invoice(12)])
	assert (decision.reason, decision.invoice, decision.truncated) == ("matched", "ACC-SINV-2026-00012", True)
	assert decision.explanation.endswith(
		f"Only the first {limits.REFERENCE_CHARACTERS} characters of its remittance information were read."
	)


def test_a_reference_past_the_bound_is_not_read():
	filler = "x" * limits.REFERENCE_CHARACTERS
	(t,) = camt053.parse_camt053(
		document(statement(entry(detail(ustrd(filler) + ustrd("ACC-SINV-2026-00012")), "FAR")))
	).transactions
	assert t.truncated and "ACC" not in t.remittance
	(decision,) = transfer_matching.match([t], [invoice(12)])
	assert decision.reason == "unknown_reference" and decision.truncated


def test_a_remittance_at_the_bound_is_read_whole():
	text = ("ACC-SINV-2026-00012 " + "y" * limits.REFERENCE_CHARACTERS)[: limits.REFERENCE_CHARACTERS]
	(t,) = camt053.parse_camt053(document(statement(entry(detail(ustrd(text)), "AT")))).transactions
	assert (t.remittance, t.truncated) == (text, False)
	(decision,) = transfer_matching.match([t], [invoice(12)])
	assert not decision.truncated and "Only the first" not in decision.explanation


def test_a_long_text_from_elsewhere_is_cut_by_the_matching_itself():
	"""A Bank Transaction from ERPNext's own import has its description as long as
	the bank made it: the matching reads the same bounded part of it."""
	long = camt053.BankTransaction(
		"T1", D("100.00"), "EUR", camt053.CREDIT, remittance="ACC-SINV-2026-00012 " + "z" * 100_000
	)
	(decision,) = transfer_matching.match([long], [invoice(12)])
	assert (decision.reason, decision.truncated) == ("matched", True)
	assert transfer_matching.read_text(long)[0] == long.reference_text[: limits.REFERENCE_CHARACTERS]


def test_a_batch_without_amounts_keeps_its_texts_within_the_bound():
	"""An ordinary-looking batch (1 500 transfers in one entry, no amounts per
	transfer) is one transaction: its remittances, run together, are cut."""
	one = detail(ustrd("Facture ACC-SINV-2026-00012 merci beaucoup"))
	(t,) = camt053.parse_camt053(document(statement(entry(one * 1500, "BATCH")))).transactions
	assert t.truncated and len(t.remittance) <= limits.REFERENCE_CHARACTERS


# ---------------------------------------------------------------------------- the bounds of the file
def test_a_file_at_its_size_bound_is_read_and_one_byte_more_refused():
	head = document(statement(entry(detail(ustrd("ACC")), "SIZE")))
	padding = limits.STATEMENT_MB * limits.MB - len(head)
	comment = b"<!--" + b" " * (limits.MB - 7) + b"-->"  # a bank's comments, 1 MB each
	filler = comment * (padding // len(comment)) + b" " * (padding % len(comment))
	at_bound = head.replace(b"<GrpHdr>", b"<GrpHdr>" + filler, 1)
	assert len(at_bound) == limits.STATEMENT_MB * limits.MB
	assert len(camt053.parse_camt053(at_bound).transactions) == 1
	error = refused("statement_too_large", at_bound + b" ")
	assert error.args_ == (20.0, limits.STATEMENT_MB)
	assert (
		str(error)
		== "The statement file is larger than 20 MB (20.0 MB): download the statement over fewer days."
	)


def test_statements_in_a_file_at_the_bound_and_past_it():
	one = statement(sid="S")
	assert len(camt053.parse_camt053_statements(document(*[one] * limits.STATEMENT_STATEMENTS))) == 500
	error = refused("statement_too_many_statements", document(*[one] * (limits.STATEMENT_STATEMENTS + 1)))
	assert str(error).startswith("The statement file holds more than 500 statements")


def test_transactions_in_a_file_at_the_bound_and_past_it():
	entries = [entry(ref=f"R{k}") for k in range(limits.STATEMENT_TRANSACTIONS)]
	at_bound = camt053.parse_camt053(document(statement("".join(entries))))
	assert len(at_bound.transactions) == limits.STATEMENT_TRANSACTIONS
	error = refused("statement_too_many_transactions", document(statement("".join(entries) + entry())))
	assert error.args_ == (limits.STATEMENT_TRANSACTIONS,)
	# the details of a batch count, even when they make one transaction
	batch = entry(detail(ustrd("x")) * (limits.STATEMENT_TRANSACTIONS + 1), "BATCH")
	refused("statement_too_many_transactions", document(statement(batch)))


def nested(depth: int) -> bytes:
	"""A file whose deepest element is at ``depth`` (Document is at 1)."""
	extra = depth - 5  # Document/BkToCstmrStmt/Stmt/Ntry/AddtlNtryInf
	return document(statement(entry(info="<X>" * extra + "y" + "</X>" * extra)))


def test_depth_at_the_bound_and_past_it():
	assert len(camt053.parse_camt053(nested(limits.STATEMENT_DEPTH)).transactions) == 1
	error = refused("statement_too_deep", nested(limits.STATEMENT_DEPTH + 1))
	assert error.args_ == (limits.STATEMENT_DEPTH,)
	# deeper than the XML parser's own bound (256): the same refusal, with the app's bound
	refused("statement_too_deep", nested(10_000))


def elements(count: int) -> bytes:
	"""One entry of exactly ``count`` elements and attributes (its details apart)."""
	base = entry(ref="EL")  # Ntry, Amt + Ccy, CdtDbtInd, Sts, BookgDt, Dt, AcctSvcrRef
	own = 8
	return document(statement(base.replace("</Ntry>", "<X/>" * (count - own) + "</Ntry>")))


def test_elements_of_an_entry_at_the_bound_and_past_it():
	assert len(camt053.parse_camt053(elements(limits.STATEMENT_ELEMENTS)).transactions) == 1
	error = refused("statement_too_many_elements", elements(limits.STATEMENT_ELEMENTS + 1))
	assert error.args_ == (1, limits.STATEMENT_ELEMENTS)


def test_a_text_longer_than_the_parser_reads_is_refused_with_its_bound():
	xml = document(statement(entry(detail(ustrd("x" * (limits.STATEMENT_TEXT_MB * 1_000_000 + 1))))))
	error = refused("statement_text_too_long", xml)
	assert error.args_ == (limits.STATEMENT_TEXT_MB,)


def test_every_statement_refusal_is_a_template_stating_its_bound():
	for code, template in limits.STATEMENT_MESSAGES.items():
		error = limits.statement_refusal(code, *([7] * template.count("{")))
		assert "7" in str(error)


MEMORY_PROBE = """
import resource, sys
from dds_assistance.core import camt053
xml = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
statements = camt053.parse_camt053_statements(xml)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) // 1024, sum(len(s.transactions) for s in statements))
"""


def test_a_20_mb_remittance_is_read_in_bounded_memory(tmp_path):
	"""The largest file, all of it the remittance of one transfer: its lines are
	dropped as they are read — the parser's memory does not grow with them."""
	line = ustrd("Facture ACC-SINV-2026-00012 " + "x" * 100)
	head = document(statement(entry(detail("@"), "MEM")))
	lines = (limits.STATEMENT_MB * limits.MB - len(head)) // len(line)
	path = tmp_path / "releve.xml"
	path.write_bytes(head.replace(b"@", line.encode() * lines))
	probe = subprocess.run(
		[sys.executable, "-c", MEMORY_PROBE, str(path)],
		capture_output=True,
		text=True,
		check=True,
		cwd=Path(__file__).resolve().parent.parent,
	)
	grown_mb, transactions = map(int, probe.stdout.split())
	assert transactions == 1
	assert grown_mb < 64, f"the parser grew by {grown_mb} MB reading a 20 MB file"
	assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss > 0


# ---------------------------------------------------------------------------- mistyped references
def every_piece(index: transfer_matching.InvoiceIndex, text: str) -> dict[str, str]:
	"""The search for mistyped references done the slow way: every piece of the text
	of every length one typo from a key's, compared with every key."""
	compact, _ = transfer_matching._compact(text)
	keys_by_length = {}
	for key in (*index.by_name, *index.by_ticket):
		keys_by_length.setdefault(len(key), []).append(key)
	found = {}
	for length in sorted({n + d for n in keys_by_length for d in (-1, 0, 1)}):
		for i in range(len(compact) - length + 1):
			window = compact[i : i + length]
			for n in (length - 1, length, length + 1):
				for key in keys_by_length.get(n, ()):
					if key not in found and transfer_matching._within_one_edit(window, key):
						found[key] = (i, i + length)
	near = {}
	for key in sorted(found):
		for name in index.by_name.get(key, []) + index.by_ticket.get(key, []):
			near.setdefault(name, transfer_matching._as_written(text, *found[key]))
	return near


INVOICES = [invoice(n) for n in (12, 13, 21, 40, 123, 4567)]
INDEX = transfer_matching.InvoiceIndex(INVOICES)
ALPHABET = "ACSINVTK0123456789- ."


def typo(rng: random.Random, reference: str) -> str:
	chars = list(reference)
	for _ in range(rng.randint(0, 2)):
		p, kind = rng.randrange(len(chars)), rng.randrange(4)
		if kind == 0:
			chars[p] = rng.choice(ALPHABET)
		elif kind == 1:
			chars.insert(p, rng.choice(ALPHABET))
		elif kind == 2 and len(chars) > 2:
			del chars[p]
		elif p + 1 < len(chars):
			chars[p], chars[p + 1] = chars[p + 1], chars[p]
	return "".join(chars)


@settings(max_examples=400, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**9), words=st.integers(min_value=0, max_value=3))
def test_near_misses_are_those_of_every_piece_of_the_text(seed, words):
	rng = random.Random(seed)
	pieces = [typo(rng, rng.choice([i.name, i.ticket])) for i in rng.sample(INVOICES, words)]
	noise = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 8))) for _ in range(words + 1)]
	text = " ".join(part for pair in zip(noise, [*pieces, ""], strict=True) for part in pair)
	assert INDEX.near_misses(text) == every_piece(INDEX, text)


def test_a_text_full_of_references_is_not_searched_for_a_typo():
	"""A text with more places that look like a reference than the bound: no typo
	to guess, and no piece of it looked at; at the bound, every piece is."""
	at = "ACC-SINV-2026-" * limits.NEAR_MISS_PIECES
	compact, _ = transfer_matching._compact(at)
	assert {i for _length, i in INDEX._near_windows(compact)} == set(
		range(0, 11 * 15, 11)
	)  # the last is too short
	past = "ACC-SINV-2026-" * (limits.NEAR_MISS_PIECES + 1)
	assert INDEX._near_windows(transfer_matching._compact(past)[0]) == []
	assert INDEX.near_misses(past + " ACC-SINV-2026-0O012") == {}
	assert INDEX.near_misses(at[14:] + " ACC-SINV-2026-0O012") == {
		"ACC-SINV-2026-00012": "ACC-SINV-2026-0O012"
	}
