"""SEPA direct debit (prélèvement SEPA, CORE and B2B schemes) of the Premium renewals:
plain data in, decisions and files out.

* the company's **creditor identifier** (ICS, AT-02): ``check_creditor_id`` — country,
  two check digits (ISO 7064 mod 97-10 over the national identifier, the country and
  "00"; the three-character business code, "ZZZ" by default, is left out of the
  computation), business code, national identifier (six characters in France);
* the **mandate** (its unique reference, RUM, ``check_mandate_reference``; its state,
  ``mandate_status``: active, revoked, or expired after 36 months without a
  collection; ``check_mandate``: what a signed mandate must hold) and the French text
  the client signs (``mandate_text``, as the EPC rulebooks require it);
* the **pre-notification** (``debit_date``): the debit falls on a TARGET business day
  at least 14 calendar days (or the period the mandate states) after the client was
  told the amount and the date;
* the **collection** (``collection_refusals``, ``sequence_type``: FRST for the first
  collection of a mandate, RCUR afterwards; ``build_pain008``: one pain.008.001.02
  file per scheme and collection date, written by ``sepaxml`` and checked against the
  official schema shipped in ``core/xsd``; ``read_pain008`` reads one back);
* the **R-transactions** (returns and rejects): their ISO reason codes explained
  (``REASON_CODES``), and ``collection_stopped``: a second failure stops automatic
  collection on the mandate.

Messages are English templates with ``{0}`` placeholders, translated on the Frappe side.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from dateutil.easter import easter
from dateutil.relativedelta import relativedelta
from lxml import etree
from stdnum.eu import at_02
from stdnum.exceptions import ValidationError as StdnumError

from dds_assistance.core import bank_details
from dds_assistance.core.errors import RuleError

# ---------------------------------------------------------------------------- vocabulary
CORE, B2B = "CORE", "B2B"
SCHEMES = (CORE, B2B)
FIRST, RECURRENT = "FRST", "RCUR"
RECURRENT_MANDATE = "Recurrent"  # the only type the app signs: one mandate, a debit each term

ACTIVE, REVOKED, EXPIRED = "Active", "Revoked", "Expired"
MANDATE_STATUSES = (ACTIVE, REVOKED, EXPIRED)

EXPIRY_MONTHS = 36  # EPC rulebooks: a mandate not used for 36 months lapses
DEFAULT_PRENOTICE_DAYS = 14  # EPC rulebooks: 14 calendar days unless the mandate says otherwise
FAILURES_BEFORE_STOP = 2  # a second failure stops automatic collection on the mandate
MAX_REFERENCE = 35  # RUM, end-to-end id, message id: Max35Text

# debit rows of a batch
PENDING, COLLECTED, RETURNED, REJECTED = "Pending", "Collected", "Returned", "Rejected"
DEBIT_STATES = (PENDING, COLLECTED, RETURNED, REJECTED)

PAIN008 = "pain.008.001.02"
XSD_DIR = Path(__file__).resolve().parent / "xsd"

# ---------------------------------------------------------------------------- refusals
ERROR_MESSAGES = {
	"missing_creditor_id": "The SEPA creditor identifier (ICS) is missing.",
	"invalid_creditor_id": "{0} is not a valid SEPA creditor identifier (ICS): country, two check digits, business code and national identifier, such as FR72ZZZ123456.",
	"invalid_mandate_reference": "{0} is not a valid mandate reference (RUM): 1 to 35 letters, digits and + ? / - : ( ) . , ' without spaces, not beginning or ending with / nor containing //.",
	"invalid_scheme": "The scheme must be CORE or B2B, not {0}.",
	"missing_debtor_name": "The name of the account holder is missing.",
	"missing_signature_place": "The place of signature is missing.",
	"missing_signature_date": "The date of signature is missing.",
	"future_signature": "A mandate cannot be signed in the future ({0}).",
	"invalid_prenotice_days": "The pre-notification period must be between 1 and 60 days, not {0}.",
	"invalid_collection_date": "The collection date {0} is not a TARGET business day: the next one is {1}.",
	"collection_date_too_soon": "The collection date {0} is too soon: the file must reach the bank one TARGET business day before it, so {1} at the earliest.",
	"no_debits": "There is nothing to collect on {0}.",
	"invalid_amount": "The amount {0} of {1} cannot be collected by direct debit.",
	"invalid_file": "The direct debit file does not follow the pain.008.001.02 schema: {0}",
}


class DirectDebitError(RuleError):
	"""Direct-debit data refused. ``code`` is a key of ``ERROR_MESSAGES``."""

	def __init__(self, code: str, *args):
		super().__init__(code, ERROR_MESSAGES[code], *args)


# why an invoice is not collected in a batch (``collection_refusals``): {0} the invoice
REFUSALS = {
	"no_mandate": "{0}: the client has no signed mandate for this scheme.",
	"mandate_revoked": "{0}: the mandate {1} was revoked on {2}.",
	"mandate_expired": "{0}: the mandate {1} expired on {2} (36 months without a collection).",
	"collection_stopped": "{0}: automatic collection is stopped on the mandate {1} after a second failure.",
	"other_scheme": "{0}: the mandate {1} is of the {2} scheme.",
	"not_prenotified": "{0}: the client was not told of the debit (pre-notification).",
	"prenotice_too_short": "{0}: the client was told on {1}; the debit cannot be before {2} ({3} days' notice).",
	"debit_date_later": "{0}: the client was told of a debit on {1}, later than this collection.",
	"nothing_due": "{0}: nothing is outstanding.",
	"not_euro": "{0}: a SEPA direct debit is in euros, the invoice is in {1}.",
	"already_in_batch": "{0}: it is already in the batch {1}.",
}

# ---------------------------------------------------------------------------- creditor identifier
_ALNUM = re.compile(r"^[A-Z0-9]+$")


def _compact(value) -> str:
	return "".join(str(value or "").split()).replace("-", "").upper()


def check_creditor_id(value: str | None) -> str:
	"""The creditor identifier (ICS) in its compact form, its check digits verified;
	a French one has a six-character national identifier (13 characters in all)."""
	text = _compact(value)
	if not text:
		raise DirectDebitError("missing_creditor_id")
	valid = len(text) >= 8 and text[:2].isalpha() and text[2:4].isdigit() and _ALNUM.match(text)
	if valid and text.startswith("FR"):
		valid = len(text) == 13
	if valid:
		try:
			at_02.validate(text)  # ISO 7064 mod 97-10 over the national identifier
		except StdnumError:
			valid = False
	if not valid:
		raise DirectDebitError("invalid_creditor_id", str(value or "").strip())
	return text


# ---------------------------------------------------------------------------- mandate reference (RUM)
_REFERENCE = re.compile(r"^[A-Za-z0-9+?/\-:().,']{1,35}$")


def check_mandate_reference(value: str | None) -> str:
	"""The unique mandate reference (RUM): the EPC's Latin characters (no space),
	at most 35, not beginning or ending with "/" and without "//"."""
	text = str(value or "").strip()
	if not _REFERENCE.match(text) or text.startswith("/") or text.endswith("/") or "//" in text:
		raise DirectDebitError("invalid_mandate_reference", text)
	return text


def mandate_reference(client_number: str, sequence: int) -> str:
	"""The RUM the app gives a client's ``sequence``-th mandate: ``RUM-<client>-<nn>``
	(the client number kept to its letters and digits)."""
	client = re.sub(r"[^A-Z0-9]", "", (client_number or "").upper())[:22] or "CLIENT"
	return check_mandate_reference(f"RUM-{client}-{sequence:02d}")


# ---------------------------------------------------------------------------- text of the files
_SEPA_CHARACTERS = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def sepa_text(value: str | None, length: int) -> str:
	"""A text as the SEPA character set allows it (accents dropped, other characters
	as spaces), spaces collapsed, cut to ``length``."""
	folded = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
	return " ".join(_SEPA_CHARACTERS.sub(" ", folded).split())[:length].strip()


# ---------------------------------------------------------------------------- the mandate
@dataclass(frozen=True)
class MandateFacts:
	"""What the rules need to know of one mandate."""

	reference: str
	scheme: str = CORE
	signed_on: date | None = None
	revoked_on: date | None = None
	last_collection_on: date | None = None
	failures: int = 0
	prenotice_days: int = DEFAULT_PRENOTICE_DAYS
	presented: bool = False  # a collection of it reached the bank and was not rejected

	@property
	def expires_on(self) -> date | None:
		"""The first day the mandate no longer allows a collection: 36 months after its
		last collection (or its signature, if it was never used)."""
		start = self.last_collection_on or self.signed_on
		return start + relativedelta(months=EXPIRY_MONTHS) if start else None


def mandate_status(mandate: MandateFacts, today: date) -> str:
	"""Active, Revoked (from the day the revocation takes effect: the next debit) or
	Expired (36 months without a collection)."""
	if mandate.revoked_on and mandate.revoked_on <= today:
		return REVOKED
	if mandate.expires_on and today >= mandate.expires_on:
		return EXPIRED
	return ACTIVE


def collection_stopped(failures: int) -> bool:
	"""A second failure (return or reject) stops automatic collection on the mandate."""
	return failures >= FAILURES_BEFORE_STOP


def sequence_type(mandate: MandateFacts) -> str:
	"""FRST for the first collection under a mandate, RCUR once one reached the bank
	(a rejected first collection is presented again as FRST)."""
	return RECURRENT if mandate.presented else FIRST


def check_scheme(scheme: str | None) -> str:
	if scheme not in SCHEMES:
		raise DirectDebitError("invalid_scheme", scheme or "")
	return scheme


def check_prenotice_days(days) -> int:
	try:
		value = int(days)
	except (TypeError, ValueError):
		raise DirectDebitError("invalid_prenotice_days", str(days))
	if not 1 <= value <= 60:
		raise DirectDebitError("invalid_prenotice_days", str(days))
	return value


@dataclass(frozen=True)
class SignedMandate:
	"""A mandate's data, checked and normalised (``check_mandate``)."""

	reference: str
	scheme: str
	debtor_name: str
	iban: str
	bic: str
	signed_on: date
	place: str
	prenotice_days: int


def check_mandate(
	reference: str | None,
	scheme: str | None,
	debtor_name: str | None,
	iban: str | None,
	bic: str | None,
	signed_on: date | None,
	place: str | None,
	today: date,
	prenotice_days=DEFAULT_PRENOTICE_DAYS,
) -> SignedMandate:
	"""Everything a signed mandate must hold (EPC rulebooks): its reference, the
	scheme, the account holder, the debtor's IBAN and BIC (checked: check digits,
	French RIB key, BIC of the account's country), the date and place of signature."""
	name = " ".join(str(debtor_name or "").split())
	if not name:
		raise DirectDebitError("missing_debtor_name")
	if not signed_on:
		raise DirectDebitError("missing_signature_date")
	if signed_on > today:
		raise DirectDebitError("future_signature", signed_on.isoformat())
	where = " ".join(str(place or "").split())
	if not where:
		raise DirectDebitError("missing_signature_place")
	account = bank_details.check_iban(iban)
	return SignedMandate(
		reference=check_mandate_reference(reference),
		scheme=check_scheme(scheme),
		debtor_name=name,
		iban=account,
		bic=bank_details.check_bic(bic, account) if (bic or "").strip() else "",
		signed_on=signed_on,
		place=where,
		prenotice_days=check_prenotice_days(prenotice_days),
	)


# the mandate's French text (EPC SDD rulebooks, "mandate" annex): what the client reads
# and accepts on the portal, frozen on the mandate
MANDATE_TITLE = "Mandat de prélèvement SEPA"
MANDATE_AUTHORISATION = (
	"En signant ce formulaire de mandat, vous autorisez {creditor} à envoyer des instructions à "
	"votre banque pour débiter votre compte, et votre banque à débiter votre compte conformément "
	"aux instructions de {creditor}."
)
MANDATE_REFUND_CORE = (
	"Vous bénéficiez du droit d'être remboursé par votre banque selon les conditions décrites dans "
	"la convention que vous avez passée avec elle. Une demande de remboursement doit être présentée "
	"dans les 8 semaines suivant la date de débit de votre compte pour un prélèvement autorisé."
)
MANDATE_REFUND_B2B = (
	"Ce mandat est destiné uniquement aux comptes de professionnels (prélèvement SEPA interentreprises, "
	"B2B). Vous ne bénéficiez d'aucun droit à remboursement après le débit de votre compte, mais vous "
	"pouvez demander à votre banque de ne pas débiter votre compte jusqu'au jour du paiement. Vous "
	"devez remettre ce mandat à votre banque avant le premier prélèvement."
)
MANDATE_RIGHTS = (
	"Vos droits concernant le présent mandat sont expliqués dans un document que vous pouvez obtenir "
	"auprès de votre banque. Vous pouvez révoquer ce mandat à tout moment depuis votre espace "
	"assistance ou par écrit : la révocation vaut pour le prélèvement suivant."
)
MANDATE_NOTICE = (
	"Le montant et la date de chaque prélèvement vous sont notifiés au moins {days} jours calendaires "
	"avant le débit, avec la facture de renouvellement de votre forfait Premium."
)


def mandate_text(
	*,
	creditor_name: str,
	creditor_address: str,
	creditor_id: str,
	reference: str,
	scheme: str,
	debtor_name: str = "",
	iban: str = "",
	bic: str = "",
	prenotice_days: int = DEFAULT_PRENOTICE_DAYS,
	signed_on: date | None = None,
	place: str = "",
) -> list[tuple[str, str]]:
	"""The mandate as it is shown and signed, in French: (label, value) rows, then
	("", paragraph) for each paragraph of the text."""
	rows = [
		("Référence unique du mandat (RUM)", reference),
		("Identifiant créancier SEPA (ICS)", creditor_id),
		("Créancier", creditor_name),
		("Adresse du créancier", creditor_address),
		("Type de contrat", "Forfait d'assistance Premium, prélèvement récurrent"),
		(
			"Schéma",
			"SEPA Core (particuliers et professionnels)" if scheme == CORE else "SEPA B2B (interentreprises)",
		),
		("Titulaire du compte à débiter", debtor_name),
		("IBAN", iban),
		("BIC", bic),
		("Fait à", place),
		("Le", signed_on.strftime("%d/%m/%Y") if signed_on else ""),
	]
	paragraphs = [
		MANDATE_AUTHORISATION.format(creditor=creditor_name),
		MANDATE_REFUND_CORE if scheme == CORE else MANDATE_REFUND_B2B,
		MANDATE_NOTICE.format(days=prenotice_days),
		MANDATE_RIGHTS,
	]
	return rows + [("", paragraph) for paragraph in paragraphs]


# ---------------------------------------------------------------------------- dates (TARGET2 calendar)
def target_closed(day: date) -> bool:
	"""The TARGET2 payment system is closed: weekends, 1 January, Good Friday, Easter
	Monday, 1 May, 25 and 26 December."""
	if day.weekday() >= 5 or (day.month, day.day) in ((1, 1), (5, 1), (12, 25), (12, 26)):
		return True
	sunday = easter(day.year)
	return day in (sunday - timedelta(days=2), sunday + timedelta(days=1))


def next_target_day(day: date) -> date:
	"""``day`` if TARGET2 is open that day, else the next day it is."""
	while target_closed(day):
		day += timedelta(days=1)
	return day


def debit_date(
	notified_on: date, prenotice_days: int = DEFAULT_PRENOTICE_DAYS, due_on: date | None = None
) -> date:
	"""The date of the debit a client is told of on ``notified_on``: at least
	``prenotice_days`` calendar days later, not before the invoice is due, on a
	TARGET business day."""
	earliest = notified_on + timedelta(days=prenotice_days)
	return next_target_day(max(earliest, due_on or earliest))


def earliest_collection_date(today: date) -> date:
	"""The first collection date a file made today can ask for: the file reaches the
	bank one TARGET business day before it (CORE and B2B alike since 2016)."""
	return next_target_day(next_target_day(today) + timedelta(days=1))


def check_collection_date(collection_date: date, today: date) -> date:
	if target_closed(collection_date):
		raise DirectDebitError(
			"invalid_collection_date",
			collection_date.isoformat(),
			next_target_day(collection_date).isoformat(),
		)
	earliest = earliest_collection_date(today)
	if collection_date < earliest:
		raise DirectDebitError("collection_date_too_soon", collection_date.isoformat(), earliest.isoformat())
	return collection_date


# ---------------------------------------------------------------------------- what a batch collects
@dataclass(frozen=True)
class InvoiceToCollect:
	"""A renewal invoice as the collection sees it."""

	invoice: str
	outstanding: Decimal
	currency: str = "EUR"
	mandate: MandateFacts | None = None
	prenotified_on: date | None = None
	debit_date: date | None = None  # the date the client was told
	in_batch: str | None = None  # a live batch that already holds it


def collection_refusals(item: InvoiceToCollect, collection_date: date, scheme: str) -> list[tuple]:
	"""Why ``item`` cannot be collected on ``collection_date`` in a ``scheme`` batch:
	(code, arguments) pairs, codes of ``REFUSALS`` — empty when it can."""
	mandate = item.mandate
	if item.in_batch:
		return [("already_in_batch", item.invoice, item.in_batch)]
	if item.outstanding <= 0:
		return [("nothing_due", item.invoice)]
	if (item.currency or "").upper() != "EUR":
		return [("not_euro", item.invoice, item.currency)]
	if mandate is None:
		return [("no_mandate", item.invoice)]
	status = mandate_status(mandate, collection_date)
	if status == REVOKED:
		return [("mandate_revoked", item.invoice, mandate.reference, mandate.revoked_on.isoformat())]
	if status == EXPIRED:
		return [("mandate_expired", item.invoice, mandate.reference, mandate.expires_on.isoformat())]
	refusals = []
	if collection_stopped(mandate.failures):
		refusals.append(("collection_stopped", item.invoice, mandate.reference))
	if mandate.scheme != scheme:
		refusals.append(("other_scheme", item.invoice, mandate.reference, mandate.scheme))
	if not item.prenotified_on:
		refusals.append(("not_prenotified", item.invoice))
	else:
		earliest = item.prenotified_on + timedelta(days=mandate.prenotice_days)
		if collection_date < earliest:
			refusals.append(
				(
					"prenotice_too_short",
					item.invoice,
					item.prenotified_on.isoformat(),
					earliest.isoformat(),
					mandate.prenotice_days,
				)
			)
		elif item.debit_date and collection_date < item.debit_date:
			refusals.append(("debit_date_later", item.invoice, item.debit_date.isoformat()))
	return refusals


# ---------------------------------------------------------------------------- pain.008.001.02
@dataclass(frozen=True)
class Creditor:
	name: str
	iban: str
	bic: str
	creditor_id: str
	country: str = "FR"
	address_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Debit:
	"""One collection of a file."""

	end_to_end_id: str  # the invoice number: the debtor's statement and any return quote it
	amount: Decimal
	mandate_reference: str
	mandate_signed_on: date
	debtor_name: str
	debtor_iban: str
	debtor_bic: str = ""
	sequence_type: str = RECURRENT
	remittance: str = ""


def _cents(amount, what: str) -> int:
	exact = bank_details._money(amount)
	value = exact.quantize(bank_details.CENT)
	if value <= 0 or value != exact:
		raise DirectDebitError("invalid_amount", str(amount), what)
	return int(value * 100)


def build_pain008(
	creditor: Creditor, collection_date: date, scheme: str, debits: list[Debit], *, validate: bool = True
) -> bytes:
	"""The pain.008.001.02 file of one collection date and scheme: one payment
	information block per sequence type (FRST, RCUR), batch booking (the bank credits
	each block as one amount). Written by ``sepaxml``, then checked against the
	official schema (``validate_pain008``)."""
	from sepaxml import SepaDD

	check_scheme(scheme)
	if not debits:
		raise DirectDebitError("no_debits", collection_date.isoformat())
	config = {
		"name": sepa_text(creditor.name, 70),
		"IBAN": bank_details.check_iban(creditor.iban),
		"BIC": bank_details.check_bic(creditor.bic),
		"batch": True,
		"creditor_id": check_creditor_id(creditor.creditor_id),
		"currency": "EUR",
		"instrument": scheme,
		"address": {
			"country": creditor.country,
			"lines": [sepa_text(line, 70) for line in creditor.address_lines if sepa_text(line, 70)][:2],
		},
	}
	document = SepaDD(config, schema=PAIN008, clean=False)
	for debit in debits:
		payment = {
			"name": sepa_text(debit.debtor_name, 70),
			"IBAN": bank_details.check_iban(debit.debtor_iban),
			"amount": _cents(debit.amount, debit.end_to_end_id),
			"type": debit.sequence_type,
			"collection_date": collection_date,
			"mandate_id": check_mandate_reference(debit.mandate_reference),
			"mandate_date": debit.mandate_signed_on,
			"description": sepa_text(debit.remittance or debit.end_to_end_id, 140),
			"endtoend_id": sepa_text(debit.end_to_end_id, MAX_REFERENCE),
		}
		if debit.debtor_bic:
			payment["BIC"] = bank_details.check_bic(debit.debtor_bic)
		document.add_payment(payment)
	xml = document.export(validate=False)
	if validate:
		validate_pain008(xml)
	return xml


@lru_cache(maxsize=4)
def schema(name: str) -> etree.XMLSchema:
	"""An official schema shipped in ``core/xsd`` (``pain.008.001.02`` …)."""
	return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{name}.xsd")))


def _parse(xml: bytes | str):
	if isinstance(xml, str):
		xml = xml.encode("utf-8")
	parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
	try:
		return etree.fromstring(xml, parser)
	except etree.XMLSyntaxError as error:
		raise DirectDebitError("invalid_file", str(error))


def schema_errors(xml: bytes | str, name: str = PAIN008) -> list[str]:
	"""What keeps ``xml`` from following the schema ``name`` (empty when valid)."""
	xsd = schema(name)
	if xsd.validate(_parse(xml)):
		return []
	return [f"line {error.line}: {error.message}" for error in xsd.error_log]


def validate_pain008(xml: bytes | str) -> None:
	errors = schema_errors(xml)
	if errors:
		raise DirectDebitError("invalid_file", errors[0])


@dataclass
class PaymentInformation:
	"""One block of a pain.008 file: a sequence type, a date, a scheme, its debits."""

	id: str
	sequence_type: str
	scheme: str
	collection_date: date
	count: int
	total: Decimal
	end_to_end_ids: list[str] = field(default_factory=list)
	amounts: list[Decimal] = field(default_factory=list)
	mandates: list[str] = field(default_factory=list)


@dataclass
class CollectionFile:
	message_id: str
	created_at: str
	count: int
	total: Decimal
	creditor_id: str
	blocks: list[PaymentInformation] = field(default_factory=list)


def read_pain008(xml: bytes | str) -> CollectionFile:
	"""What a pain.008.001.02 file asks the bank for (to record it on the batch)."""
	root = _parse(xml)
	ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{PAIN008}"}

	def text(node, path: str) -> str:
		found = node.find(path, ns)
		return (found.text or "").strip() if found is not None else ""

	header = root.find("p:CstmrDrctDbtInitn/p:GrpHdr", ns)
	blocks = []
	creditor_id = ""
	for block in root.findall("p:CstmrDrctDbtInitn/p:PmtInf", ns):
		creditor_id = creditor_id or text(block, "p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id")
		info = PaymentInformation(
			id=text(block, "p:PmtInfId"),
			sequence_type=text(block, "p:PmtTpInf/p:SeqTp"),
			scheme=text(block, "p:PmtTpInf/p:LclInstrm/p:Cd"),
			collection_date=date.fromisoformat(text(block, "p:ReqdColltnDt")),
			count=int(text(block, "p:NbOfTxs") or 0),
			total=Decimal(text(block, "p:CtrlSum") or "0"),
		)
		for tx in block.findall("p:DrctDbtTxInf", ns):
			info.end_to_end_ids.append(text(tx, "p:PmtId/p:EndToEndId"))
			info.amounts.append(Decimal(text(tx, "p:InstdAmt")))
			info.mandates.append(text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:MndtId"))
		blocks.append(info)
	return CollectionFile(
		message_id=text(header, "p:MsgId"),
		created_at=text(header, "p:CreDtTm"),
		count=int(text(header, "p:NbOfTxs") or 0),
		total=Decimal(text(header, "p:CtrlSum") or "0"),
		creditor_id=creditor_id,
		blocks=blocks,
	)


# ---------------------------------------------------------------------------- R-transactions
# ISO 20022 external return reason codes met in SEPA direct debits (EPC rulebooks'
# R-transactions: rejects before settlement, returns and refunds after): what the
# client and the accountant are told
REASON_CODES = {
	"AC01": "The account number (IBAN) is wrong.",
	"AC04": "The account is closed.",
	"AC06": "The account is blocked.",
	"AC13": "The account is a consumer's account: it cannot be debited under the B2B scheme.",
	"AG01": "The bank does not allow direct debits on this account.",
	"AG02": "The bank refused the operation code.",
	"AM04": "Insufficient funds.",
	"AM05": "The debit was presented twice.",
	"BE05": "The bank does not know the creditor.",
	"CNOR": "The creditor's bank is not reachable for direct debits.",
	"DNOR": "The debtor's bank is not reachable for direct debits.",
	"FF01": "The file was refused by the bank (format).",
	"MD01": "No valid mandate: the bank has no mandate for this debit, or it was revoked.",
	"MD02": "Mandate data missing or wrong.",
	"MD06": "The debtor asked their bank for a refund of an authorised debit.",
	"MD07": "The account holder is deceased.",
	"MS02": "Refused by the debtor.",
	"MS03": "Refused by the bank, reason not given.",
	"RC01": "The bank identifier (BIC) is wrong.",
	"RR01": "Regulatory reason: the debtor's account or identity is missing.",
	"RR02": "Regulatory reason: the debtor's name or address is missing.",
	"RR03": "Regulatory reason: the creditor's name or address is missing.",
	"RR04": "Regulatory reason.",
	"SL01": "A service of the debtor's bank blocks this debit (creditor not authorised by the debtor).",
	"FOCR": "The debit was cancelled at the creditor's request.",
}
UNKNOWN_REASON = "Reason {0}, not explained by the bank."


def reason_message(code: str | None) -> tuple[str, tuple]:
	"""(English template, arguments) of a return reason code."""
	code = (code or "").strip().upper()
	if code in REASON_CODES:
		return REASON_CODES[code], ()
	return UNKNOWN_REASON, (code or "?",)
