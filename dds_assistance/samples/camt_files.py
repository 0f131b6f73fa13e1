"""CAMT.053 bank statements made to order, for the tests and the benchmarks.

* ``write_camt053(entries)``: the statement file (camt.053.001.02 or .001.08) of
  the given entries, balances included.
* ``payments_for(invoices, count)``: the entries of ``count`` transfers paying the
  given invoices (references written in the ways clients write them), a share of
  them anomalies (partial payments, overpayments, unknown references, refunds),
  each transfer carrying the decision ``core.transfer_matching.match`` must give it.

Framework-free: the bench tests give it the invoices they made on their site.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from lxml import etree

from dds_assistance.core import bank_details, camt053, transfer_matching

COMPANY_NAME = "3D DENTAL STORE"
COMPANY_IBAN = "FR7618306002149457213680025"  # Crédit Agricole Normandie-Seine
COMPANY_BIC = "AGRIFRPP883"
BOOKING_DATE = date(2026, 3, 2)
# French banks' codes (bank, branch) and BICs, for the payers' accounts
PAYER_BANKS = (
	("30004", "02837", "BNPAFRPP"),
	("30003", "03350", "SOGEFRPP"),
	("18306", "00214", "AGRIFRPP883"),
	("10207", "00026", "CCBPFRPPXXX"),
	("11425", "00700", "CEPAFRPPXXX"),
	("30002", "08930", "CRLYFRPPXXX"),
	("10278", "02140", "CMCIFR2A"),
	("20041", "01014", "PSSTFRPP"),
)
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")

# a real-world-shaped camt.053.001.02 statement (the tests read it)
CAMT053_STATEMENT = Path(__file__).resolve().parent / "camt053_statement.xml"


def french_iban(bank: str, branch: str, account: str) -> str:
	"""A French IBAN with a correct RIB key and check digits (``account``: 11 characters)."""
	digits = (bank + branch + account.upper()).translate(_RIB_LETTERS)
	rib_key = 97 - (89 * int(digits[:5]) + 15 * int(digits[5:10]) + 3 * int(digits[10:])) % 97
	bban = f"{bank}{branch}{account.upper()}{rib_key:02d}"
	number = int("".join(str(int(c, 36)) for c in bban + "FR00"))
	return f"FR{98 - number % 97:02d}{bban}"


@dataclass
class Transfer:
	"""One transaction (``TxDtls``) of an entry, and what the matching should say of it."""

	amount: Decimal
	remittance: str = ""
	counterparty: str = ""
	counterparty_iban: str = ""
	counterparty_bic: str = ""
	credit: bool = True
	currency: str = "EUR"
	end_to_end_id: str = camt053.NOT_PROVIDED
	structured_reference: str = ""
	instructed: tuple[Decimal, str] | None = None
	expected: str = ""
	invoice: str | None = None


@dataclass
class Entry:
	"""One booking (``Ntry``) of the statement: one transfer, or a batch of them."""

	transfers: list[Transfer]
	reference: str = ""
	booking_date: date = BOOKING_DATE
	value_date: date | None = None
	reversal: bool = False
	status: str = camt053.BOOKED
	additional_info: str = ""

	@property
	def credit(self) -> bool:
		return self.transfers[0].credit

	@property
	def amount(self) -> Decimal:
		return sum((t.amount for t in self.transfers), Decimal("0.00"))


def write_camt053(
	entries: Sequence[Entry],
	*,
	version: str = "08",
	statement_id: str = "",
	account_iban: str = COMPANY_IBAN,
	account_bic: str = COMPANY_BIC,
	owner: str = COMPANY_NAME,
	opening_balance: Decimal = Decimal("10000.00"),
	created_at: str = "2026-03-03T05:42:17+01:00",
) -> bytes:
	"""The camt.053 file (``version`` "02" or "08") of ``entries``, one statement."""
	if version not in ("02", "08"):
		raise ValueError(f"camt.053.001.{version} is not written here")
	ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
	new = version == "08"
	day = min((e.booking_date for e in entries), default=BOOKING_DATE)

	def el(parent, tag, text=None, **attrs):
		node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
		if text is not None:
			node.text = str(text)
		return node

	def path(parent, tags: str, text=None, **attrs):
		*heads, last = tags.split("/")
		for tag in heads:
			parent = el(parent, tag)
		return el(parent, last, text, **attrs)

	def amount(parent, tag, value: Decimal, currency: str):
		return el(parent, tag, f"{Decimal(value).quantize(bank_details.CENT)}", Ccy=currency)

	def agent(parent, tag, bic):
		path(parent, f"{tag}/FinInstnId/{'BICFI' if new else 'BIC'}", bic)

	def party(parent, tag, name):
		path(parent, f"{tag}/Pty/Nm" if new else f"{tag}/Nm", name)

	def balance(parent, code, value: Decimal):
		bal = el(parent, "Bal")
		path(bal, "Tp/CdOrPrtry/Cd", code)
		amount(bal, "Amt", abs(value), "EUR")
		el(bal, "CdtDbtInd", camt053.CREDIT if value >= 0 else camt053.DEBIT)
		path(bal, "Dt/Dt", day.isoformat())

	root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
	body = el(root, "BkToCstmrStmt")
	header = el(body, "GrpHdr")
	el(header, "MsgId", f"MSG-{statement_id or day.isoformat()}")
	el(header, "CreDtTm", created_at)
	stmt = el(body, "Stmt")
	el(stmt, "Id", statement_id or f"{account_iban[4:]}-{day:%Y%m%d}")
	el(stmt, "ElctrncSeqNb", 1)
	el(stmt, "CreDtTm", created_at)
	period = el(stmt, "FrToDt")
	el(period, "FrDtTm", f"{day.isoformat()}T00:00:00+01:00")
	el(period, "ToDtTm", f"{day.isoformat()}T23:59:59+01:00")
	account = el(stmt, "Acct")
	path(account, "Id/IBAN", account_iban)
	el(account, "Ccy", "EUR")
	path(account, "Ownr/Nm", owner)
	agent(account, "Svcr", account_bic)
	booked = [e for e in entries if e.status == camt053.BOOKED]
	closing = opening_balance + sum((e.amount if e.credit else -e.amount for e in booked), Decimal("0.00"))
	balance(stmt, "OPBD", opening_balance)
	balance(stmt, "CLBD", closing)

	for entry in entries:
		ntry = el(stmt, "Ntry")
		currency = entry.transfers[0].currency
		amount(ntry, "Amt", entry.amount, currency)
		el(ntry, "CdtDbtInd", camt053.CREDIT if entry.credit else camt053.DEBIT)
		if entry.reversal:
			el(ntry, "RvslInd", "true")
		if new:
			path(ntry, "Sts/Cd", entry.status)
		else:
			el(ntry, "Sts", entry.status)
		path(ntry, "BookgDt/Dt", entry.booking_date.isoformat())
		path(ntry, "ValDt/Dt", (entry.value_date or entry.booking_date).isoformat())
		if entry.reference:
			el(ntry, "AcctSvcrRef", entry.reference)
		domain = el(el(ntry, "BkTxCd"), "Domn")
		el(domain, "Cd", "PMNT")
		family = el(domain, "Fmly")
		el(family, "Cd", "RCDT" if entry.credit else "ICDT")
		el(family, "SubFmlyCd", "ESCT")
		details = el(ntry, "NtryDtls")
		if len(entry.transfers) > 1:
			path(details, "Btch/NbOfTxs", len(entry.transfers))
		for transfer in entry.transfers:
			_transfer(el, path, amount, agent, party, details, transfer, new)
		if entry.additional_info:
			el(ntry, "AddtlNtryInf", entry.additional_info)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _transfer(el, path, amount, agent, party, details, transfer: Transfer, new: bool) -> None:
	tx = el(details, "TxDtls")
	path(tx, "Refs/EndToEndId", transfer.end_to_end_id or camt053.NOT_PROVIDED)
	indicator = camt053.CREDIT if transfer.credit else camt053.DEBIT
	if new:
		amount(tx, "Amt", transfer.amount, transfer.currency)
		el(tx, "CdtDbtInd", indicator)
	amounts = el(tx, "AmtDtls")
	if transfer.instructed:
		amount(el(amounts, "InstdAmt"), "Amt", *transfer.instructed)
	amount(el(amounts, "TxAmt"), "Amt", transfer.amount, transfer.currency)
	role = "Dbtr" if transfer.credit else "Cdtr"
	parties = el(tx, "RltdPties")
	party(parties, role, transfer.counterparty or "INCONNU")
	if transfer.counterparty_iban:
		path(parties, f"{role}Acct/Id/IBAN", transfer.counterparty_iban)
	if transfer.counterparty_bic:
		agent(el(tx, "RltdAgts"), f"{role}Agt", transfer.counterparty_bic)
	if transfer.remittance or transfer.structured_reference:
		info = el(tx, "RmtInf")
		for start in range(0, len(transfer.remittance), 140):
			el(info, "Ustrd", transfer.remittance[start : start + 140])
		if transfer.structured_reference:
			path(info, "Strd/CdtrRefInf/Ref", transfer.structured_reference)


# ---------------------------------------------------------------------------- made to order

ANOMALIES = ("partial", "overpayment", "unknown", "refund")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin")


def reference_variants(invoice: transfer_matching.OpenInvoice, ticket_is_unique: bool) -> list[str]:
	"""How clients write the reference of ``invoice`` in their transfers."""
	name = invoice.name
	variants = [
		name,
		f"Facture {name}",
		f"facture {name.lower().replace('-', ' ')}",
		transfer_matching.reference_key(name),
		f"Règlement {name.replace('-', ' ', 1)} merci",
	]
	if invoice.ticket and ticket_is_unique:
		variants.append(f"Ticket {invoice.ticket} assistance exocad")
	return variants


def payments_for(
	invoices: Sequence[transfer_matching.OpenInvoice],
	count: int | None = None,
	*,
	seed: int = 2026,
	anomalies: float = 0.1,
	batch_size: int = 1,
	booking_date: date = BOOKING_DATE,
) -> list[Entry]:
	"""The entries of ``count`` transfers (default: one per invoice) paying
	``invoices`` in turn; a share ``anomalies`` of them is a partial payment, an
	overpayment, a transfer with no reference or a refund. Credits are grouped by
	``batch_size`` in one entry. Each transfer carries the reason code (and the
	invoice) ``match`` must give it; a second round over the invoices reads
	``duplicate_payment``."""
	rng = random.Random(seed)
	payable = [invoice for invoice in invoices if not invoice.is_return]
	if not payable:
		return []
	tickets = Counter(transfer_matching.reference_key(i.ticket) for i in payable if i.ticket)
	paid: set[str] = set()
	transfers: list[Transfer] = []
	for k in range(len(payable) if count is None else count):
		invoice = payable[k % len(payable)]
		bank, branch, bic = PAYER_BANKS[k % len(PAYER_BANKS)]
		payer = {
			"counterparty": (invoice.customer or "").upper(),
			"counterparty_iban": french_iban(bank, branch, f"{k:011d}"),
			"counterparty_bic": bic,
		}
		due = invoice.outstanding if invoice.outstanding > 0 else invoice.grand_total
		kind = rng.choice(ANOMALIES) if rng.random() < anomalies else "payment"
		if kind == "refund":
			transfers.append(
				Transfer(
					due,
					f"Remboursement {invoice.name}",
					credit=False,
					expected=transfer_matching.R_REFUND,
					**payer,
				)
			)
			continue
		if kind == "unknown":
			text = f"Assistance exocad {rng.choice(MONTHS)}"
			transfers.append(Transfer(due, text, expected=transfer_matching.R_UNKNOWN, **payer))
			continue
		amount = {"partial": due / 2, "overpayment": due + 20}.get(kind, due).quantize(bank_details.CENT)
		text = rng.choice(
			reference_variants(invoice, tickets[transfer_matching.reference_key(invoice.ticket)] == 1)
		)
		transfer = Transfer(amount, text, invoice=invoice.name, **payer)
		transfer.expected = _expected(invoice, amount, paid)
		if transfer.expected == transfer_matching.R_MATCHED:
			paid.add(invoice.name)
		transfers.append(transfer)
	return _entries(transfers, batch_size, booking_date)


def _expected(invoice: transfer_matching.OpenInvoice, amount: Decimal, paid: set[str]) -> str:
	if invoice.name in paid:
		return transfer_matching.R_DUPLICATE
	if invoice.outstanding <= 0:
		return transfer_matching.R_ALREADY_PAID
	if invoice.currency != "EUR":
		return transfer_matching.R_CURRENCY
	if amount < invoice.outstanding:
		return transfer_matching.R_PARTIAL
	if amount > invoice.outstanding:
		return transfer_matching.R_OVERPAYMENT
	return transfer_matching.R_MATCHED


def _entries(transfers: list[Transfer], batch_size: int, booking_date: date) -> list[Entry]:
	entries: list[Entry] = []
	batch: list[Transfer] = []

	def close(group: list[Transfer]):
		reference = f"{'C' if group[0].credit else 'D'}{booking_date:%y%m%d}{len(entries) + 1:07d}"
		entries.append(Entry(group, reference, booking_date))

	for transfer in transfers:
		if not transfer.credit:
			close([transfer])
			continue
		batch.append(transfer)
		if len(batch) >= batch_size:
			close(batch)
			batch = []
	if batch:
		close(batch)
	return entries


def expected_outcomes(entries: Sequence[Entry]) -> list[tuple[str, str | None]]:
	"""(reason code, invoice) of each transaction, in statement order."""
	return [
		(
			t.expected,
			t.invoice
			if t.expected not in (transfer_matching.R_UNKNOWN, transfer_matching.R_REFUND)
			else None,
		)
		for entry in entries
		for t in entry.transfers
	]


def invoices(
	count: int, *, start: int = 1, year: int = 2026, amount: Decimal = Decimal("100.00")
) -> list[transfer_matching.OpenInvoice]:
	"""``count`` open invoices ``ACC-SINV-<year>-<n>`` of one ticket each."""
	return [
		transfer_matching.OpenInvoice(
			name=f"ACC-SINV-{year}-{n:05d}",
			customer=f"Laboratoire Dentaire {n:05d}",
			outstanding=amount,
			grand_total=amount,
			ticket=f"TKT-{year}-{n:05d}",
		)
		for n in range(start, start + count)
	]


def mistyped(reference: str) -> str:
	"""``reference`` as a hurried client types it: two neighbouring letters swapped
	(``ACC-SINV-2026-00012`` → ``ACC-SNIV-2026-00012``) — one typo away, and no
	other invoice's number."""
	letters = [i for i in range(len(reference) - 1) if reference[i].isalpha() and reference[i + 1].isalpha()]
	for i in letters:
		if reference[i] != reference[i + 1] and i > 0 and reference[i - 1].isalpha():
			return reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]
	raise ValueError(f"no letters to swap in {reference!r}")
