"""Which credit of a bank statement pays which open invoice in full (R-TKT-4, R-ACC-2).

Only an unambiguous, exact payment is ``MATCHED`` (the Frappe side may then record
the payment); everything else is ``UNMATCHED`` with a reason code and an explanation
for the accountant. Messages are English templates with ``{0}``-style placeholders,
translated on the Frappe side (``DECISION_MESSAGES``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from dds_assistance.core import limits
from dds_assistance.core.bank_details import CENT, _money
from dds_assistance.core.camt053 import BOOKED, BankTransaction

# ---------------------------------------------------------------------------- matching

MATCHED, UNMATCHED = "MATCHED", "UNMATCHED"

# reason codes (stable: the Frappe side stores them)
R_MATCHED = "matched"
R_PARTIAL = "partial_payment"
R_OVERPAYMENT = "overpayment"
R_SEVERAL = "several_invoices"
R_UNKNOWN = "unknown_reference"
R_MISTYPED = "mistyped_reference"
R_ALREADY_PAID = "already_paid"
R_DUPLICATE = "duplicate_payment"
R_REFUND = "refund"
R_CURRENCY = "currency"
R_NOT_BOOKED = "not_booked"
REASONS = (
	R_MATCHED,
	R_PARTIAL,
	R_OVERPAYMENT,
	R_SEVERAL,
	R_UNKNOWN,
	R_MISTYPED,
	R_ALREADY_PAID,
	R_DUPLICATE,
	R_REFUND,
	R_CURRENCY,
	R_NOT_BOOKED,
)

# explanations: {0} amount, {1} currency of the transfer; {2} the invoice; {3}, {4}, {5} as noted
M_MATCHED = "Transfer of {0} {1} pays invoice {2} in full"
M_PARTIAL = "Transfer of {0} {1} is less than the {3} {1} outstanding on invoice {2}"
M_OVERPAYMENT = "Transfer of {0} {1} is more than the {3} {1} outstanding on invoice {2}"
M_SEVERAL = "Transfer of {0} {1} refers to several invoices ({2}): split it by hand"
M_UNKNOWN = "Transfer of {0} {1} refers to no open invoice or ticket"
M_UNKNOWN_NEAR = "Transfer of {0} {1} refers to no open invoice or ticket; close references: {2}"
M_MISTYPED = "Transfer of {0} {1} refers to {3}, which looks like a mistyped {2}"
M_ALREADY_PAID = "Transfer of {0} {1} refers to invoice {2}, which has nothing outstanding"
M_DUPLICATE = (
	"Transfer of {0} {1} refers to invoice {2}, already paid by bank transaction {3} of this statement"
)
M_DEBIT = "Outgoing payment of {0} {1}: not a client payment"
M_REVERSAL = "Reversal of an earlier booking of {0} {1}"
M_CREDIT_NOTE = "Transfer of {0} {1} refers to credit note {2}: refunds are recorded by hand"
M_CURRENCY = "Transfer of {0} {1} cannot pay invoice {2}, which is in {3}"
M_EXCHANGE = "Transfer of {0} {1}, sent as {3} {4}, does not equal the {5} {1} outstanding on invoice {2}"
M_NOT_BOOKED = "Bank entry of {0} {1} is not booked (status {2})"
# added to any explanation when the transfer's texts were longer than what is read of them
M_TRUNCATED = "Only the first {0} characters of its remittance information were read."
DECISION_MESSAGES = (
	M_MATCHED,
	M_PARTIAL,
	M_OVERPAYMENT,
	M_SEVERAL,
	M_UNKNOWN,
	M_UNKNOWN_NEAR,
	M_MISTYPED,
	M_ALREADY_PAID,
	M_DUPLICATE,
	M_DEBIT,
	M_REVERSAL,
	M_CREDIT_NOTE,
	M_CURRENCY,
	M_EXCHANGE,
	M_NOT_BOOKED,
)


@dataclass
class OpenInvoice:
	"""A submitted Sales Invoice as the matching sees it. Give the open ones and the
	recently paid ones (so a second payment reads ``already_paid``, not
	``unknown_reference``); cancelled invoices are left out."""

	name: str
	customer: str
	outstanding: Decimal
	grand_total: Decimal
	ticket: str | None = None
	currency: str = "EUR"
	is_return: bool = False

	def __post_init__(self):
		self.outstanding = _money(self.outstanding, "outstanding").quantize(CENT)
		self.grand_total = _money(self.grand_total, "grand total").quantize(CENT)
		self.currency = (self.currency or "").upper()


@dataclass(frozen=True)
class Decision:
	"""What to do with one bank transaction. ``MATCHED``: record a payment of
	``amount`` against ``invoice``. ``UNMATCHED``: leave it to the accountant;
	``reason`` says why and ``invoice`` / ``invoices`` name what was referred to
	(or, for ``mistyped_reference``, the invoice meant)."""

	transaction_id: str
	status: str
	reason: str
	amount: Decimal
	currency: str
	invoice: str | None = None
	invoices: tuple[str, ...] = ()
	customer: str | None = None
	reference: str = ""
	message: str = ""
	args: tuple = ()
	# the transfer's texts were longer than what the matching reads of them
	# (``limits.REFERENCE_CHARACTERS``): the explanation says so
	truncated: bool = False

	@property
	def matched(self) -> bool:
		return self.status == MATCHED

	@property
	def explanation(self) -> str:
		text = self.message.format(*self.args)
		return f"{text} {M_TRUNCATED.format(limits.REFERENCE_CHARACTERS)}" if self.truncated else text


_TOKEN = re.compile(r"[A-Z0-9]+")
MIN_KEY_LENGTH = 5
PREFIX_LENGTH = 3


def reference_key(text: str | None) -> str:
	"""A reference as compared: upper case, accents and every non-alphanumeric
	character dropped (``acc sinv 2026 00012`` → ``ACCSINV202600012``)."""
	return "".join(_tokens(text))


def _fold(text: str | None) -> str:
	return unicodedata.normalize("NFKD", text or "").upper()


def _tokens(text: str | None) -> list[str]:
	return _TOKEN.findall(_fold(text))


def _compact(text: str) -> tuple[str, frozenset[int]]:
	"""The text's alphanumerics run together, and where its words began."""
	tokens = _tokens(text)
	starts, offset = [], 0
	for token in tokens:
		starts.append(offset)
		offset += len(token)
	return "".join(tokens), frozenset(starts)


def _positions(text: str, width: int, wanted: set[str]) -> list[int]:
	"""Where in ``text`` a piece of ``width`` characters that is one of ``wanted``
	begins, in order — the pieces gathered and compared at once, not one by one."""
	present = {text[i : i + width] for i in range(len(text) - width + 1)} & wanted
	found = []
	for piece in present:
		i = text.find(piece)
		while i >= 0:
			found.append(i)
			i = text.find(piece, i + 1)
	return sorted(found)


def _as_written(text: str, start: int, end: int) -> str:
	"""The piece of ``text`` (upper case, accents apart) that the compacted
	characters ``start:end`` come from."""
	folded = _fold(text)
	positions = [match.start() + i for match in _TOKEN.finditer(folded) for i in range(len(match.group()))]
	return folded[positions[start] : positions[end - 1] + 1]


def _edges_ok(compact: str, starts: frozenset[int], i: int, j: int) -> bool:
	"""A reference ending (or beginning) with a digit must not run on into more
	digits of the same word: ``…-00012`` is not found inside ``…-000123``."""
	if compact[i].isdigit() and i > 0 and i not in starts and compact[i - 1].isdigit():
		return False
	if compact[j - 1].isdigit() and j < len(compact) and j not in starts and compact[j].isdigit():
		return False
	return True


def _within_one_edit(a: str, b: str) -> bool:
	"""At most one substitution, insertion, deletion or swap of neighbours."""
	if a == b:
		return True
	la, lb = len(a), len(b)
	if abs(la - lb) > 1:
		return False
	i = 0
	while i < min(la, lb) and a[i] == b[i]:
		i += 1
	if la == lb:
		return a[i + 1 :] == b[i + 1 :] or (
			i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
		)
	if la > lb:
		return a[i + 1 :] == b[i:]
	return a[i:] == b[i + 1 :]


class InvoiceIndex:
	"""The open invoices by normalised reference: invoice names first, ticket names
	as the fallback. Lookups cost the length of the text, not the number of
	invoices."""

	def __init__(self, invoices: Iterable[OpenInvoice]):
		self.invoices: dict[str, OpenInvoice] = {}
		self.by_name: dict[str, list[str]] = {}
		self.by_ticket: dict[str, list[str]] = {}
		for invoice in invoices:
			self.invoices[invoice.name] = invoice
			key = reference_key(invoice.name)
			if len(key) >= MIN_KEY_LENGTH:
				self.by_name.setdefault(key, []).append(invoice.name)
			ticket = reference_key(invoice.ticket)
			if len(ticket) >= MIN_KEY_LENGTH and not invoice.is_return:
				self.by_ticket.setdefault(ticket, []).append(invoice.name)
		self._near: dict[str, str | set[str]] | None = None
		self._filters: dict[int, tuple[int, set[str], int, set[str]]] | None = None
		self._shapes = {
			kind: (
				sorted({len(k) for k in keys}, reverse=True),
				{k[:PREFIX_LENGTH] for k in keys},
			)
			for kind, keys in (("name", self.by_name), ("ticket", self.by_ticket))
		}

	def _find(self, compact: str, starts: frozenset[int], kind: str) -> list[tuple[str, str]]:
		"""(key, invoice name) of each reference of ``kind`` in the text, in order;
		of two references that overlap, the longer wins."""
		keys = self.by_name if kind == "name" else self.by_ticket
		lengths, prefixes = self._shapes[kind]
		found, covered = [], set()
		for i in _positions(
			compact[: max(len(compact) - MIN_KEY_LENGTH + PREFIX_LENGTH, 0)], PREFIX_LENGTH, prefixes
		):
			if i in covered:
				continue
			for length in lengths:
				key = compact[i : i + length]
				if len(key) == length and key in keys and _edges_ok(compact, starts, i, i + length):
					found.extend((key, name) for name in keys[key])
					covered.update(range(i, i + length))
					break
		return found

	def references(self, text: str) -> tuple[list[str], str]:
		"""The invoices the text refers to (by invoice name, else by ticket name), in
		order of appearance without repeats, and the first key found."""
		compact, starts = _compact(text)
		hits = self._find(compact, starts, "name") or self._find(compact, starts, "ticket")
		names = list(dict.fromkeys(name for _, name in hits))
		return names, (hits[0][0] if hits else "")

	def _near_index(self) -> dict[str, str | set[str]]:
		"""Every key, and every key with one character deleted → that key (or the
		set of them, for the few strings several keys share): a piece of text one
		typo from a key shares one of these strings with it (itself, or itself with
		one character deleted)."""
		if self._near is None:
			near: dict[str, str | set[str]] = {}
			get = near.get
			for key in (*self.by_name, *self.by_ticket):
				for variant in {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}:
					found = get(variant)
					if found is None:
						near[variant] = key
					elif isinstance(found, str):
						near[variant] = {found, key}
					else:
						found.add(key)
			self._near = near
		return self._near

	def _near_filters(self) -> dict[int, tuple[int, set[str], int, set[str]]]:
		"""For each length of key: the length and the set of the keys' beginnings, and
		of their ends, that a piece of text one typo away shares. A typo (one
		substitution, insertion, deletion, or swap of neighbours) touches two
		neighbouring characters at most, so of a key's first ``a`` and last ``b``
		characters, ``a + b <= len(key) - 2``, one part stays as it is: at the
		piece's beginning, or at its end."""
		if self._filters is None:
			self._filters = {}
			for key in (*self.by_name, *self.by_ticket):
				length = len(key)
				a = (length - 2) // 2
				b = length - 2 - a
				_a, beginnings, _b, ends = self._filters.setdefault(length, (a, set(), b, set()))
				beginnings.add(key[:a])
				ends.add(key[length - b :])
		return self._filters

	def _near_windows(self, compact: str) -> list[tuple[int, int]]:
		"""The pieces of the text (length, start) that may be one typo from a key:
		those that begin as a key of their length ±1 begins, or end as it ends. One
		look-up per character and length of key, whatever the number of invoices.
		None at all when the text has more than ``limits.NEAR_MISS_PIECES`` such
		places: a text full of references has no typo to guess."""
		n = len(compact)
		anchors = []  # (place in the text, piece's start or end, sizes)
		for length, (a, beginnings, b, ends) in self._near_filters().items():
			sizes = tuple(m for m in (length - 1, length, length + 1) if m >= 1)
			anchors += [(i, "start", sizes) for i in _positions(compact, a, beginnings)]
			anchors += [(j + b, "end", sizes) for j in _positions(compact, b, ends)]
			if len(anchors) > limits.NEAR_MISS_PIECES:
				return []
		windows = set()
		for place, side, sizes in anchors:
			if side == "start":
				windows.update((m, place) for m in sizes if place + m <= n)
			else:
				windows.update((m, place - m) for m in sizes if place - m >= 0)
		return sorted(windows)

	def near_misses(self, text: str) -> dict[str, str]:
		"""Invoices whose name (or ticket name) is one typo away from a piece of the
		text: invoice name → that piece of the text. The cost is linear in the
		text: only the pieces that share a key's beginning or end are looked at, in
		a text that has ``limits.NEAR_MISS_PIECES`` such places at most (a text full
		of references has no typo to guess)."""
		compact, _ = _compact(text)
		near_index = self._near_index()
		keys = {}
		for length, i in self._near_windows(compact):
			window = compact[i : i + length]
			candidates = set()
			for variant in (window, *(window[:j] + window[j + 1 :] for j in range(length))):
				found = near_index.get(variant)
				if found is None:
					continue
				if isinstance(found, str):
					candidates.add(found)
				else:
					candidates.update(found)
			for key in candidates:
				if key not in keys and _within_one_edit(window, key):
					keys[key] = (i, i + length)
		near: dict[str, str] = {}
		for key in sorted(keys):
			for name in self.by_name.get(key, []) + self.by_ticket.get(key, []):
				near.setdefault(name, _as_written(text, *keys[key]))
		return near


def _same_party(customer: str | None, counterparty: str) -> bool:
	a, b = reference_key(customer), reference_key(counterparty)
	return len(a) >= 4 and len(b) >= 4 and (a in b or b in a)


def _amount(value: Decimal) -> str:
	return f"{value.quantize(CENT)}"


def match(transactions: Sequence[BankTransaction], open_invoices: Iterable[OpenInvoice]) -> list[Decision]:
	"""One decision per transaction, in the order given (statement order). A
	transaction is ``MATCHED`` when it is a booked credit, refers to exactly one
	invoice (by its name, else by its ticket's name), in the same currency, and
	pays exactly what is outstanding; each invoice is matched once at most (a
	second full payment reads ``duplicate_payment``)."""
	index = InvoiceIndex(open_invoices)
	paid_by: dict[str, str] = {}
	return [_decide(transaction, index, paid_by) for transaction in transactions]


def read_text(t: BankTransaction) -> tuple[str, bool]:
	"""What the matching reads of a transaction's texts: the first
	``limits.REFERENCE_CHARACTERS`` characters, and whether there was more."""
	text = t.reference_text
	if len(text) > limits.REFERENCE_CHARACTERS:
		return text[: limits.REFERENCE_CHARACTERS], True
	return text, t.truncated


def _decide(t: BankTransaction, index: InvoiceIndex, paid_by: dict[str, str]) -> Decision:
	amount = t.amount.quantize(CENT)
	money = (_amount(amount), t.currency)
	text, truncated = read_text(t)

	def decide(reason, message, *extra, invoice=None, invoices=(), reference="", status=UNMATCHED):
		customer = index.invoices[invoice].customer if invoice in index.invoices else None
		return Decision(
			t.id,
			status,
			reason,
			amount,
			t.currency,
			invoice,
			tuple(invoices) or ((invoice,) if invoice else ()),
			customer,
			reference,
			message,
			(*money, *extra),
			truncated,
		)

	if t.status and t.status != BOOKED:
		return decide(R_NOT_BOOKED, M_NOT_BOOKED, t.status)
	names, reference = index.references(text)
	if t.reversal or not t.is_credit:
		# a refund, a returned transfer, a bank charge: recorded by hand (the invoices
		# it names, if any, are given to help)
		return decide(R_REFUND, M_REVERSAL if t.reversal else M_DEBIT, invoices=names, reference=reference)
	invoices = [index.invoices[name] for name in names]
	if invoices and all(invoice.is_return for invoice in invoices):
		return decide(R_REFUND, M_CREDIT_NOTE, names[0], invoice=names[0], reference=reference)
	invoices = [invoice for invoice in invoices if not invoice.is_return]

	if not invoices:
		return _unknown(t, text, index, paid_by, amount, decide)
	if len(invoices) > 1:
		listed = ", ".join(invoice.name for invoice in invoices)
		return decide(R_SEVERAL, M_SEVERAL, listed, invoices=[i.name for i in invoices], reference=reference)

	invoice = invoices[0]
	name = invoice.name
	if name in paid_by:
		return decide(R_DUPLICATE, M_DUPLICATE, name, paid_by[name], invoice=name, reference=reference)
	if invoice.outstanding <= 0:
		return decide(R_ALREADY_PAID, M_ALREADY_PAID, name, invoice=name, reference=reference)
	if t.currency != invoice.currency:
		return decide(R_CURRENCY, M_CURRENCY, name, invoice.currency, invoice=name, reference=reference)
	if amount != invoice.outstanding and t.instructed_currency and t.instructed_currency != invoice.currency:
		instructed = _amount(t.instructed_amount) if t.instructed_amount is not None else ""
		return decide(
			R_CURRENCY,
			M_EXCHANGE,
			name,
			instructed,
			t.instructed_currency,
			_amount(invoice.outstanding),
			invoice=name,
			reference=reference,
		)
	if amount < invoice.outstanding:
		return decide(
			R_PARTIAL, M_PARTIAL, name, _amount(invoice.outstanding), invoice=name, reference=reference
		)
	if amount > invoice.outstanding:
		return decide(
			R_OVERPAYMENT,
			M_OVERPAYMENT,
			name,
			_amount(invoice.outstanding),
			invoice=name,
			reference=reference,
		)
	paid_by[name] = t.id
	return decide(R_MATCHED, M_MATCHED, name, invoice=name, reference=reference, status=MATCHED)


NEAR_LISTED = 5


def _unknown(
	t: BankTransaction, text: str, index: InvoiceIndex, paid_by: dict[str, str], amount: Decimal, decide
):
	"""No known reference: a hint when one open invoice is a typo away. Several
	candidates are narrowed by the amount, then by the payer's name."""
	near = index.near_misses(text)
	candidates = sorted(
		name
		for name in near
		if name not in paid_by and index.invoices[name].outstanding > 0 and not index.invoices[name].is_return
	)
	if len(candidates) > 1:
		same_amount = [
			n
			for n in candidates
			if index.invoices[n].outstanding == amount and index.invoices[n].currency == t.currency
		]
		candidates = same_amount or candidates
	if len(candidates) > 1:
		same_party = [n for n in candidates if _same_party(index.invoices[n].customer, t.counterparty_name)]
		candidates = same_party or candidates
	if len(candidates) == 1:
		name = candidates[0]
		return decide(R_MISTYPED, M_MISTYPED, name, near[name], invoice=name, reference=near[name])
	if candidates:
		listed = ", ".join(candidates[:NEAR_LISTED]) + (", …" if len(candidates) > NEAR_LISTED else "")
		return decide(R_UNKNOWN, M_UNKNOWN_NEAR, listed, invoices=candidates)
	return decide(R_UNKNOWN, M_UNKNOWN)
