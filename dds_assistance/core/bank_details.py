"""Bank details and the transfer a client makes (R-TKT-4: a ticket is served once its
invoice is paid): plain data in, decisions out.

* ``check_iban`` / ``check_bic``: the company's (or a client's) bank details,
  normalised, or a :class:`PaymentDataError` with a stable code.
* ``epc_qr_payload`` / ``epc_qr_svg`` / ``epc_qr_png``: the EPC QR code ("GiroCode",
  EPC069-12 version 002) a banking app scans to prefill a SEPA credit transfer;
  the invoice number travels as the unstructured remittance information, which
  the payee's bank statement shows. ``decode_epc_payload`` reads one back.

Messages are English templates with ``{0}``-style placeholders, translated on the
Frappe side (``ERROR_MESSAGES`` holds them all).
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

import segno
from schwifty import BIC, IBAN

from dds_assistance.core.errors import RuleError

CENT = Decimal("0.01")

# ---------------------------------------------------------------------------- errors

ERROR_MESSAGES = {
	"invalid_iban": "{0} is not a valid IBAN",
	"invalid_bic": "{0} is not a valid BIC",
	"bic_country_mismatch": "The BIC {0} is of a bank in {1}, but the IBAN {2} is of an account in {3}",
	"invalid_transfer": "Cannot make the payment QR code: {0}",
	"invalid_epc_payload": "Not an EPC payment QR code: {0}",
	"invalid_statement": "The file is not a readable CAMT.053 bank statement: {0}",
}


class PaymentDataError(RuleError):
	"""Bank data refused (an IBAN, a BIC, a transfer, a statement file). ``code`` is a
	key of ``ERROR_MESSAGES``; ``message`` its English template."""

	def __init__(self, code: str, *args):
		super().__init__(code, ERROR_MESSAGES[code], *args)


# ---------------------------------------------------------------------------- IBAN and BIC

# Territories whose accounts carry the IBAN prefix of another country while their
# banks' BICs carry their own country code (French overseas departments and
# collectivities, the Crown Dependencies).
IBAN_ZONES = {
	"FR": frozenset({"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}),
	"GB": frozenset({"GB", "GG", "JE", "IM"}),
}


def check_iban(value: str | None) -> str:
	"""The IBAN in its compact form (``FR7630006000011234567890189``), its check
	digits and, where the country has one, its national key (French RIB key)
	verified; else ``PaymentDataError("invalid_iban")``."""
	text = str(value or "").strip()
	try:
		return IBAN(text, validate_bban=True).compact
	except ValueError:
		raise PaymentDataError("invalid_iban", text)


def check_bic(value: str | None, iban: str | None = None) -> str:
	"""The BIC in its compact form (8 or 11 characters, as given); with ``iban``, the
	bank's country must be the account's (``bic_country_mismatch``)."""
	text = str(value or "").strip()
	try:
		bic = BIC(text)
	except ValueError:
		raise PaymentDataError("invalid_bic", text)
	if iban:
		account = check_iban(iban)
		country = account[:2]
		if bic.country_code not in IBAN_ZONES.get(country, {country}):
			raise PaymentDataError("bic_country_mismatch", bic.compact, bic.country_code, account, country)
	return bic.compact


# ---------------------------------------------------------------------------- EPC QR code

EPC_MAX_BYTES = 331
EPC_MIN_AMOUNT = Decimal("0.01")
EPC_MAX_AMOUNT = Decimal("999999999.99")


def _money(value, what: str = "amount") -> Decimal:
	"""A finite Decimal (a float is read as its shortest decimal text: 99.9 → 99.9)."""
	try:
		amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
	except (InvalidOperation, TypeError, ValueError):
		raise ValueError(f"{what} {value!r} is not a number")
	if not amount.is_finite():
		raise ValueError(f"{what} {value!r} is not a number")
	return amount


def epc_qr_payload(
	name: str, iban: str, bic: str | None, amount, reference: str, text: str | None = None
) -> str:
	"""The text of an EPC QR code (version 002, UTF-8) for a SEPA credit transfer of
	``amount`` euros to ``name`` / ``iban`` (``bic`` optional inside the EEA).

	``reference`` (the invoice number) is written as the unstructured remittance
	information — French invoice numbers are not ISO 11649 creditor references,
	and the unstructured text is what the payer's app shows and what the
	payee's statement carries; ``text`` (e.g. the ticket name) follows it there.
	The amount is written with two decimals (``EUR100.00``)."""

	def refuse(detail: str):
		raise PaymentDataError("invalid_transfer", detail)

	name = (name or "").strip()
	reference = (reference or "").strip()
	remittance = " ".join(part for part in (reference, (text or "").strip()) if part)
	for label, value in (("name", name), ("reference", reference), ("text", text or "")):
		if "\n" in value or "\r" in value:
			refuse(f"the {label} has a line break")
	if not 0 < len(name) <= 70:
		refuse("the payee name must have 1 to 70 characters")
	if not reference:
		refuse("the reference is missing")
	if len(remittance) > 140:
		refuse("the remittance information is longer than 140 characters")
	iban = check_iban(iban)
	bic = check_bic(bic, iban) if bic else ""
	try:
		value = _money(amount)
	except ValueError as error:
		refuse(str(error))
	if value != value.quantize(CENT) or not EPC_MIN_AMOUNT <= value <= EPC_MAX_AMOUNT:
		refuse(f"the amount {amount} must be between 0.01 and 999999999.99 with at most two decimals")
	lines = ["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{value.quantize(CENT)}", "", "", remittance]
	payload = "\n".join(lines)
	if len(payload.encode("utf-8")) > EPC_MAX_BYTES:
		refuse(f"the payload is longer than {EPC_MAX_BYTES} bytes")
	return payload


def epc_qr(name: str, iban: str, bic: str | None, amount, reference: str, text: str | None = None):
	"""The EPC QR code (a ``segno.QRCode``): error correction level M, version 13 at
	most, as the EPC guidelines require."""
	payload = epc_qr_payload(name, iban, bic, amount, reference, text)
	qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
	if qr.version > 13:  # 331 bytes fit in version 13 at level M
		raise PaymentDataError("invalid_transfer", "the QR code would be larger than version 13")
	return qr


def epc_qr_svg(
	name: str,
	iban: str,
	bic: str | None,
	amount,
	reference: str,
	text: str | None = None,
	scale: int = 4,
) -> str:
	"""The EPC QR code as an inline ``<svg>`` element (for a print format or a page)."""
	return epc_qr(name, iban, bic, amount, reference, text).svg_inline(scale=scale, border=4)


def epc_qr_png(
	name: str,
	iban: str,
	bic: str | None,
	amount,
	reference: str,
	text: str | None = None,
	scale: int = 5,
) -> bytes:
	"""The EPC QR code as a PNG image (for an e-mail attachment or a PDF)."""
	buffer = io.BytesIO()
	epc_qr(name, iban, bic, amount, reference, text).save(buffer, kind="png", scale=scale, border=4)
	return buffer.getvalue()


EPC_ENCODINGS = (
	"utf-8",
	"iso-8859-1",
	"iso-8859-2",
	"iso-8859-4",
	"iso-8859-5",
	"iso-8859-7",
	"iso-8859-10",
	"iso-8859-15",
)


def decode_epc_payload(payload: str | bytes) -> dict:
	"""The fields of an EPC QR code's text (version 001 or 002): ``bic``, ``name``,
	``iban``, ``amount`` (as written, ``EUR100.00``), ``currency`` and ``value``
	(a Decimal), ``purpose``, ``structured_reference`` (ISO 11649),
	``remittance_text`` (unstructured) and ``information`` (to the payer)."""
	if isinstance(payload, bytes):
		head = payload.split(b"\n", 3)
		try:
			encoding = EPC_ENCODINGS[int(head[2]) - 1]
			payload = payload.decode(encoding)
		except (IndexError, ValueError, UnicodeDecodeError):
			raise PaymentDataError("invalid_epc_payload", "unknown character set")
	lines = payload.replace("\r\n", "\n").split("\n")
	if len(lines) < 7 or lines[0] != "BCD" or lines[1] not in ("001", "002") or lines[3] != "SCT":
		raise PaymentDataError("invalid_epc_payload", "the header is not BCD / 001-002 / SCT")
	lines += [""] * (12 - len(lines))
	amount = lines[7].strip()
	currency, value = amount[:3], None
	if amount:
		try:
			value = Decimal(amount[3:])
		except InvalidOperation:
			raise PaymentDataError("invalid_epc_payload", f"unreadable amount {amount}")
	return {
		"version": lines[1],
		"encoding": lines[2],
		"bic": lines[4].strip(),
		"name": lines[5].strip(),
		"iban": lines[6].strip(),
		"amount": amount,
		"currency": currency,
		"value": value,
		"purpose": lines[8].strip(),
		"structured_reference": lines[9].strip(),
		"remittance_text": lines[10].strip(),
		"information": lines[11].strip(),
	}
