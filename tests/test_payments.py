"""Getting paid by bank transfer (R-TKT-4, R-ACC-1, R-ACC-2): bank details, the EPC
QR code of an invoice, CAMT.053 statements, and which credits pay which invoices."""

import random
import string
from collections import Counter
from datetime import date
from decimal import Decimal as D

import pytest
import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from dds_assistance.core import bank_details, camt053, transfer_matching
from dds_assistance.core.errors import RuleError
from dds_assistance.samples import camt_files
from dds_assistance.samples.camt_files import CAMT053_STATEMENT

COMPANY = "3D Dental Store"
IBAN = "FR7618306002149457213680025"
BIC = "AGRIFRPP883"


def refused(code, func, *args, **kwargs):
	with pytest.raises(bank_details.PaymentDataError) as caught:
		func(*args, **kwargs)
	assert caught.value.code == code
	return caught.value


def iso_iban(country: str, bban: str) -> str:
	"""An IBAN with correct ISO check digits, whatever its national key."""
	number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
	return f"{country}{98 - number % 97:02d}{bban}"


# ---------------------------------------------------------------------------- IBAN and BIC


def test_check_iban_normalises_a_french_iban():
	assert bank_details.check_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
	assert bank_details.check_iban(" fr7630006000011234567890189 ") == "FR7630006000011234567890189"
	assert bank_details.check_iban("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"


def test_check_iban_refuses_wrong_check_digits_and_wrong_rib_key():
	error = refused("invalid_iban", bank_details.check_iban, "FR76 3000 6000 0112 3456 7890 188")
	assert isinstance(error, ValueError) and isinstance(error, RuleError)
	assert error.message == bank_details.ERROR_MESSAGES["invalid_iban"]
	assert str(error) == "FR76 3000 6000 0112 3456 7890 188 is not a valid IBAN"
	refused("invalid_iban", bank_details.check_iban, "FR77 3000 6000 0112 3456 7890 189")
	# ISO check digits right, French RIB key (last two digits) wrong
	wrong_key = iso_iban("FR", "30006000011234567890188")
	assert wrong_key == "FR0630006000011234567890188"
	refused("invalid_iban", bank_details.check_iban, wrong_key)
	for value in ("", None, "FR76", "XX7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 18@"):
		refused("invalid_iban", bank_details.check_iban, value)


def test_check_bic_normalises_and_checks_the_country_against_the_iban():
	assert bank_details.check_bic("bnpa fr pp") == "BNPAFRPP"
	assert bank_details.check_bic("AGRIFRPP883", IBAN) == "AGRIFRPP883"
	assert bank_details.check_bic("BNPAFRPPXXX", "FR76 3000 4028 3700 0105 9384 612") == "BNPAFRPPXXX"
	for value in ("", None, "BNPA", "BNPAXXPP", "BNPAFRPP88", "BN#AFRPP"):
		refused("invalid_bic", bank_details.check_bic, value)
	error = refused("bic_country_mismatch", bank_details.check_bic, "DEUTDEFF", IBAN)
	assert error.args_ == ("DEUTDEFF", "DE", IBAN, "FR")
	assert str(error) == f"The BIC DEUTDEFF is of a bank in DE, but the IBAN {IBAN} is of an account in FR"
	refused("bic_country_mismatch", bank_details.check_bic, "BNPAFRPP", "DE89370400440532013000")
	refused("invalid_iban", bank_details.check_bic, "BNPAFRPP", "FR7630006000011234567890188")


def test_french_overseas_banks_use_french_ibans():
	# Guadeloupe, Martinique, Réunion: IBAN FR…, BIC of the territory
	assert bank_details.check_bic("BDAFGPGP", "FR7630004028370001059384612") == "BDAFGPGP"
	assert bank_details.check_bic("BNPARERX", "FR7630004028370001059384612") == "BNPARERX"
	refused("bic_country_mismatch", bank_details.check_bic, "BDAFGPGP", "DE89370400440532013000")


# ---------------------------------------------------------------------------- EPC QR code


def test_r_tkt_4_epc_payload_carries_the_invoice_number_as_remittance_text():
	payload = bank_details.epc_qr_payload(
		COMPANY, "FR76 1830 6002 1494 5721 3680 025", BIC, 100, "ACC-SINV-2026-00012"
	)
	assert payload.split("\n") == [
		"BCD",
		"002",
		"1",  # UTF-8
		"SCT",
		BIC,
		COMPANY,
		IBAN,
		"EUR100.00",
		"",  # purpose
		"",  # structured reference (ISO 11649): not for French invoice numbers
		"ACC-SINV-2026-00012",
	]
	fields = bank_details.decode_epc_payload(payload)
	assert fields["iban"] == IBAN
	assert fields["bic"] == BIC
	assert fields["amount"] == "EUR100.00"
	assert (fields["currency"], fields["value"]) == ("EUR", D("100.00"))
	assert fields["name"] == COMPANY
	assert fields["remittance_text"] == "ACC-SINV-2026-00012"
	assert fields["structured_reference"] == ""


def test_epc_payload_amounts_have_two_decimals_and_text_follows_the_reference():
	def amount_of(value):
		return bank_details.decode_epc_payload(bank_details.epc_qr_payload(COMPANY, IBAN, None, value, "F1"))[
			"amount"
		]

	assert amount_of(D("83.3")) == "EUR83.30"
	assert amount_of(99.9) == "EUR99.90"
	assert amount_of("0.01") == "EUR0.01"
	assert amount_of(D("999999999.99")) == "EUR999999999.99"
	payload = bank_details.epc_qr_payload(
		"Société Dentaire Évreux", IBAN, "", 100, "ACC-SINV-2026-00012", "TKT-2026-00042"
	)
	fields = bank_details.decode_epc_payload(payload.encode("utf-8"))
	assert fields["bic"] == ""  # optional inside the EEA
	assert fields["name"] == "Société Dentaire Évreux"
	assert fields["remittance_text"] == "ACC-SINV-2026-00012 TKT-2026-00042"


@pytest.mark.parametrize(
	"kwargs",
	[
		{"amount": 0},
		{"amount": D("-100")},
		{"amount": D("100.001")},
		{"amount": D("1000000000.00")},
		{"amount": "cent euros"},
		{"amount": None},
		{"name": ""},
		{"name": "x" * 71},
		{"name": "3D Dental\nStore"},
		{"reference": ""},
		{"reference": "ACC-SINV-2026-00012", "text": "x" * 130},
	],
)
def test_epc_payload_refuses_what_the_epc_guidelines_forbid(kwargs):
	args = {"name": COMPANY, "iban": IBAN, "bic": BIC, "amount": 100, "reference": "ACC-SINV-2026-00012"}
	refused("invalid_transfer", bank_details.epc_qr_payload, **{**args, **kwargs})


def test_epc_payload_checks_the_bank_details():
	refused(
		"invalid_iban", bank_details.epc_qr_payload, COMPANY, "FR7630006000011234567890188", None, 100, "F1"
	)
	refused("bic_country_mismatch", bank_details.epc_qr_payload, COMPANY, IBAN, "DEUTDEFF", 100, "F1")


def test_epc_qr_code_is_level_m_and_at_most_version_13():
	qr = bank_details.epc_qr(COMPANY, IBAN, BIC, 100, "ACC-SINV-2026-00012", "TKT-2026-00042")
	assert qr.error == "M" and qr.mode == "byte" and qr.version <= 13
	payload = bank_details.epc_qr_payload(COMPANY, IBAN, BIC, 100, "ACC-SINV-2026-00012", "TKT-2026-00042")
	# the same symbol as the payload's bytes encoded as the EPC guidelines ask
	assert qr == segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
	svg = bank_details.epc_qr_svg(COMPANY, IBAN, BIC, 100, "ACC-SINV-2026-00012")
	assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
	png = bank_details.epc_qr_png(COMPANY, IBAN, BIC, 100, "ACC-SINV-2026-00012")
	assert png.startswith(b"\x89PNG\r\n\x1a\n")
	longest = bank_details.epc_qr(
		"x" * 70, "MT84MALT011000012345MTLCAST001S", "MALTMTMTXXX", D("999999999.99"), "r" * 70, "t" * 69
	)
	assert longest.version <= 13


def test_decode_epc_payload_reads_version_1_and_refuses_other_codes():
	fields = bank_details.decode_epc_payload(
		"BCD\n001\n1\nSCT\nBNPAFRPP\nLabo\nFR7630004028370001059384612\nEUR12.5"
	)
	assert (fields["version"], fields["value"], fields["remittance_text"]) == ("001", D("12.5"), "")
	refused("invalid_epc_payload", bank_details.decode_epc_payload, "https://example.com")
	refused("invalid_epc_payload", bank_details.decode_epc_payload, "BCD\n002\n1\nINST\n\nx\nFR76\nEUR1")
	refused("invalid_epc_payload", bank_details.decode_epc_payload, b"BCD\n002\n9\nSCT\n")
	refused("invalid_epc_payload", bank_details.decode_epc_payload, "BCD\n002\n1\nSCT\n\nx\nFR76\nEURabc")


# ---------------------------------------------------------------------------- CAMT.053


@pytest.fixture(scope="module")
def statement():
	return camt053.parse_camt053(CAMT053_STATEMENT.read_bytes())


def by_id(statement):
	return {t.id: t for t in statement.transactions}


def test_camt053_statement_header_and_balances(statement):
	assert statement.id == "18306002149457213680025-20260302"
	assert (statement.account_iban, statement.currency) == (IBAN, "EUR")
	assert (statement.from_date, statement.to_date) == (date(2026, 3, 2), date(2026, 3, 2))
	assert (statement.opening_balance, statement.closing_balance) == (D("12345.67"), D("14602.80"))
	assert len(statement.transactions) == 28
	booked = [t for t in statement.transactions if t.status == camt053.BOOKED]
	assert statement.opening_balance + sum(t.signed_amount for t in booked) == statement.closing_balance


def test_camt053_transaction_fields(statement):
	first = statement.transactions[0]
	assert first == camt053.BankTransaction(
		id="C2606100001",
		amount=D("100.00"),
		currency="EUR",
		credit_debit=camt053.CREDIT,
		booking_date=date(2026, 3, 2),
		value_date=date(2026, 3, 2),
		reversal=False,
		status="BOOK",
		counterparty_name="LABORATOIRE LEFÈVRE",
		counterparty_iban="FR7630004028370001059384612",
		counterparty_bic="BNPAFRPPXXX",
		remittance="ACC-SINV-2026-00012",
		structured_reference="",
		end_to_end_id="NOTPROVIDED",
		entry_reference="C2606100001",
		bank_code="PMNT-RCDT-ESCT",
		additional_info="VIR SEPA RECU /DE LABORATOIRE LEFÈVRE /MOTIF ACC-SINV-2026-00012",
	)
	assert isinstance(first.amount, D) and first.is_credit and first.signed_amount == D("100.00")
	assert "NOTPROVIDED" not in first.reference_text


def test_camt053_remittance_lines_dates_and_structured_references(statement):
	rows = by_id(statement)
	assert rows["C2606100004"].remittance == "Règlement ACC_SINV-2026 00015 merci"  # two Ustrd lines
	assert rows["C2606100004"].booking_date == date(2026, 3, 2)  # from a date-time
	assert rows["C2606100017"].value_date == date(2026, 3, 3)
	assert rows["C2606100018"].structured_reference == "ACC-SINV-2026-00030"  # RfrdDocInf/Nb
	assert rows["C2606100018"].remittance == ""
	assert rows["C2606100016"].instructed_amount == D("95.00")
	assert rows["C2606100016"].instructed_currency == "CHF"
	assert rows["C2606100016"].currency == "EUR"
	assert rows["C2606100026"].status == "PDNG"


def test_camt053_debits_reversals_and_their_counterparties(statement):
	rows = by_id(statement)
	refund = rows["D2606100010"]
	assert (refund.credit_debit, refund.signed_amount) == (camt053.DEBIT, D("-100.00"))
	assert refund.counterparty_name == "CABINET DU DR FRANÇOIS MÉREL"  # the creditor of a debit
	assert (refund.counterparty_iban, refund.counterparty_bic) == ("FR7614445004200800456789197", "CEPAFRPP")
	assert refund.end_to_end_id == "RBT-ACC-SINV-2026-00036"
	reversal = rows["D2606100011"]
	assert reversal.reversal and reversal.credit_debit == camt053.DEBIT
	assert reversal.counterparty_name == "LABORATOIRE VAUCLIN"  # the debtor of the credit it cancels
	assert reversal.value_date == date(2026, 2, 26)


def test_camt053_batch_entry_gives_one_transaction_per_detail(statement):
	batch = [t for t in statement.transactions if t.entry_reference == "C2606100015"]
	assert [t.id for t in batch] == ["C2606100015/1", "C2606100015/2", "C2606100015/3"]
	assert [t.amount for t in batch] == [D("100.00")] * 3
	assert [t.remittance for t in batch] == [
		"ACC-SINV-2026-00026",
		"ACC-SINV-2026-00027",
		"Assistance exocad février",
	]
	assert {t.counterparty_name for t in batch} == {"GROUPE DENTAIRE ROUEN RIVE DROITE"}
	assert {t.additional_info for t in batch} == {""}  # the batch's text belongs to no single payment


def test_camt053_ids_are_unique_and_stable(statement):
	ids = [t.id for t in statement.transactions]
	assert len(set(ids)) == len(ids)
	assert "0302-0019" in ids  # no bank reference: the entry number
	fee = statement.transactions[-2]
	assert fee.id.startswith("H") and len(fee.id) == 25  # no reference at all: a digest
	assert fee.additional_info == "FRAIS TENUE DE COMPTE FEVRIER 2026" and fee.bank_code == "ACMT-MDOP-CHRG"
	again = camt053.parse_camt053(CAMT053_STATEMENT.read_bytes())
	assert [t.id for t in again.transactions] == ids


def test_camt053_same_bank_reference_twice_keeps_ids_unique():
	entries = [
		camt_files.Entry([camt_files.Transfer(D("100.00"), "A")], reference="C1"),
		camt_files.Entry([camt_files.Transfer(D("100.00"), "B")], reference="C1"),
		camt_files.Entry([camt_files.Transfer(D("5.00"), "C")]),
		camt_files.Entry([camt_files.Transfer(D("5.00"), "C")]),
	]
	ids = [t.id for t in camt053.parse_camt053(camt_files.write_camt053(entries)).transactions]
	assert ids[:2] == ["C1", "C1/2"]
	assert ids[2] != ids[3] and ids[2].startswith("H")


def test_camt053_versions_02_and_08_read_alike():
	entries = camt_files.payments_for(camt_files.invoices(40), 60, anomalies=0.3, batch_size=4)
	old = camt053.parse_camt053(camt_files.write_camt053(entries, version="02"))
	new = camt053.parse_camt053(camt_files.write_camt053(entries, version="08"))
	assert len(new.transactions) == 60
	assert old.transactions == new.transactions
	assert (old.opening_balance, old.closing_balance) == (new.opening_balance, new.closing_balance)


CAMT_08 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
 <BkToCstmrStmt>
  <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-03T06:00:00+01:00</CreDtTm></GrpHdr>
  <Stmt>
   <Id>S1</Id>
   <Acct><Id><IBAN>FR76 1830 6002 1494 5721 3680 025</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">50.00</Amt>
    <CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
   <Ntry>
    <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
    <NtryDtls><TxDtls>
     <Refs><AcctSvcrRef>TX-77</AcctSvcrRef><EndToEndId>E2E-1</EndToEndId></Refs>
     <Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
     <RltdPties>
      <Dbtr><Pty><Nm>Clinique Dentaire Sainte-Cécile</Nm></Pty></Dbtr>
      <DbtrAcct><Id><IBAN>FR7630004028370001059384612</IBAN></Id></DbtrAcct>
      <Cdtr><Pty><Nm>3D DENTAL STORE</Nm></Pty></Cdtr>
     </RltdPties>
     <RltdAgts><DbtrAgt><FinInstnId><BICFI>BNPAFRPP</BICFI></FinInstnId></DbtrAgt></RltdAgts>
     <RmtInf><Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
    </TxDtls></NtryDtls>
   </Ntry>
  </Stmt>
 </BkToCstmrStmt>
</Document>"""


def test_camt053_001_08_parties_and_references():
	statement = camt053.parse_camt053(CAMT_08.encode())
	assert statement.account_iban == IBAN
	assert statement.opening_balance == D("-50.00")
	(t,) = statement.transactions
	assert t.id == "TX-77"  # the transaction's bank reference when the entry has none
	assert (t.counterparty_name, t.counterparty_iban, t.counterparty_bic) == (
		"Clinique Dentaire Sainte-Cécile",
		"FR7630004028370001059384612",
		"BNPAFRPP",
	)
	assert (t.structured_reference, t.end_to_end_id, t.status) == ("RF18539007547034", "E2E-1", "BOOK")
	# a str is accepted too, and the namespace of any camt.053.001 version
	assert camt053.parse_camt053(CAMT_08.replace("001.08", "001.13")).transactions == [t]


def test_camt053_several_statements_in_one_file():
	stmt = "<Stmt>" + CAMT_08.split("<Stmt>")[1].split("</Stmt>")[0] + "</Stmt>"
	two = CAMT_08.replace("</Stmt>", "</Stmt>" + stmt.replace("<Id>S1</Id>", "<Id>S2</Id>"))
	assert [s.id for s in camt053.parse_camt053_statements(two)] == ["S1", "S2"]
	refused("invalid_statement", camt053.parse_camt053, two)


@pytest.mark.parametrize(
	"xml",
	[
		b"",
		b"not xml at all",
		b"<Document><BkToCstmrStmt>",
		CAMT_08.replace("camt.053.001.08", "pain.001.001.03").encode(),
		CAMT_08.replace("camt.053.001.08", "camt.052.001.08").encode(),
		CAMT_08.replace("BkToCstmrStmt", "BkToCstmrAcctRpt").encode(),
		CAMT_08.replace('<Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>', "<Sts>").encode(),
		CAMT_08.replace(
			'<Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>',
			'<Amt Ccy="EUR">100,00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>',
		).encode(),
		CAMT_08.replace("<CdtDbtInd>CRDT</CdtDbtInd><Sts>", "<CdtDbtInd>CREDIT</CdtDbtInd><Sts>").encode(),
		CAMT_08.replace("<Dt>2026-03-02</Dt></BookgDt>", "<Dt>02/03/2026</Dt></BookgDt>").encode(),
		CAMT_08.replace("<Stmt>", "<Stmtx>", 1).replace("</Stmt>", "</Stmtx>").encode(),
	],
)
def test_camt053_unreadable_files_are_refused(xml):
	error = refused("invalid_statement", camt053.parse_camt053, xml)
	assert str(error).startswith("The file is not a readable CAMT.053 bank statement: ")


def test_camt053_entities_and_document_types_are_refused(tmp_path):
	secret = tmp_path / "secret.txt"
	secret.write_text("TOP SECRET")
	external = f"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file://{secret}">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&x;</Id>
</Stmt></BkToCstmrStmt></Document>"""
	error = refused("invalid_statement", camt053.parse_camt053, external.encode())
	assert "TOP SECRET" not in str(error)
	laughs = """<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY a "lollollollollollollollollollol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&c;</Id>
</Stmt></BkToCstmrStmt></Document>"""
	refused("invalid_statement", camt053.parse_camt053, laughs.encode())


def test_camt053_batch_without_amounts_stays_one_transaction():
	xml = CAMT_08.replace(
		'<Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\n     <RltdPties>', "<RltdPties>"
	)
	detail = xml.split("<NtryDtls>")[1].split("</NtryDtls>")[0]
	xml = xml.replace(detail, detail + detail.replace("TX-77", "TX-78"))
	(t,) = camt053.parse_camt053(xml).transactions
	assert t.amount == D("100.00") and t.counterparty_name == "Clinique Dentaire Sainte-Cécile"


# ---------------------------------------------------------------------------- matching

CUSTOMERS = {
	12: "Laboratoire Lefèvre",
	13: "Cabinet Dentaire Hélène Côté",
	14: "Prothèses Normandes",
	15: "Laboratoire Dentaire du Robec",
	16: "Atelier Céramique Bréant",
	17: "Dentalis Évreux",
	18: "Labo Saint-Maclou",
	19: "Prothèse Dentaire du Pays de Caux",
	20: "Prothèse Dentaire du Pays de Caux",
	21: "Laboratoire Aubépine",
	22: "Cabinet du Dr François Mérel",
	23: "Laboratoire Vauclin",
	24: "Labo Dentaire Jeanne d'Arc",
	25: "Centre de Prothèse Martainville",
	26: "Laboratoire Grammont",
	27: "Cabinet Dentaire de Bois-Guillaume",
	28: "Laboratoire Dentaire du Léman",
	29: "Laboratoire Dentaire Beauport",
	30: "Laboratoire Dentaire de Sotteville",
	31: "Cabinet Dentaire des Carmes",
	32: "Labo Prothèse Darnétal",
	33: "Centre Dentaire Saint-Sever",
	34: "Laboratoire Beauvoisine",
	35: "Laboratoire Cauchois",
	36: "Cabinet du Dr François Mérel",
	37: "Laboratoire du Mont-Riboudet",
}


def inv(n, outstanding="100.00", total="100.00", currency="EUR", is_return=False, ticket=None, customer=None):
	return transfer_matching.OpenInvoice(
		name=f"ACC-SINV-2026-{n:05d}",
		customer=customer or CUSTOMERS.get(n, f"Client {n}"),
		outstanding=D(outstanding),
		grand_total=D(total),
		ticket=ticket if ticket is not None else f"TKT-2026-{n + 30:05d}",
		currency=currency,
		is_return=is_return,
	)


def statement_invoices():
	"""The invoices the fixture statement pays: 22 paid last week, 24 paid before,
	28 in Swiss francs, 36 a credit note (of 22)."""
	invoices = []
	for n in CUSTOMERS:
		if n in (22, 24):
			invoices.append(inv(n, outstanding="0"))
		elif n == 28:
			invoices.append(inv(n, "95.00", "95.00", currency="CHF"))
		elif n == 36:
			invoices.append(inv(n, "-100.00", "-100.00", is_return=True, ticket="TKT-2026-00052"))
		else:
			invoices.append(inv(n))
	return invoices


def name(n):
	return f"ACC-SINV-2026-{n:05d}"


M, U = transfer_matching.MATCHED, transfer_matching.UNMATCHED
FIXTURE_OUTCOMES = {
	"C2606100001": (M, "matched", name(12)),  # exact reference
	"C2606100002": (M, "matched", name(13)),  # lower case, spaces
	"C2606100003": (M, "matched", name(14)),  # no separators
	"C2606100004": (M, "matched", name(15)),  # underscore, over two lines
	"C2606100005": (M, "matched", name(16)),  # the ticket only
	"C2606100006": (U, "partial_payment", name(17)),
	"C2606100007": (U, "overpayment", name(18)),
	"C2606100008": (U, "several_invoices", None),
	"C2606100009": (U, "mistyped_reference", name(21)),  # 00O21
	"D2606100010": (U, "refund", None),  # our refund of credit note 36
	"D2606100011": (U, "refund", None),  # a reversal
	"C2606100012": (U, "already_paid", name(24)),
	"C2606100013": (M, "matched", name(25)),
	"C2606100014": (U, "duplicate_payment", name(25)),
	"C2606100015/1": (M, "matched", name(26)),  # batch
	"C2606100015/2": (M, "matched", name(27)),
	"C2606100015/3": (U, "unknown_reference", None),
	"C2606100016": (U, "currency", name(28)),  # CHF invoice
	"C2606100017": (U, "currency", name(29)),  # sent in CAD, short in EUR
	"C2606100018": (M, "matched", name(30)),  # structured remittance
	"0302-0019": (M, "matched", name(31)),  # end-to-end id
	"C2606100020": (M, "matched", name(32)),  # invoice and its ticket
	"C2606100021": (U, "mistyped_reference", name(33)),  # 0003: the payer's name decides
	"C2606100022": (U, "unknown_reference", None),  # 0003: several close, no name
	"C2606100023": (M, "matched", name(35)),  # ticket in lower case
	"C2606100024": (U, "unknown_reference", None),
	"FEE": (U, "refund", None),  # bank charge
	"C2606100026": (U, "not_booked", None),
}


def test_r_acc_2_fixture_statement_outcomes(statement):
	decisions = transfer_matching.match(statement.transactions, statement_invoices())
	got = {
		("FEE" if d.transaction_id.startswith("H") else d.transaction_id): (d.status, d.reason, d.invoice)
		for d in decisions
	}
	assert got == FIXTURE_OUTCOMES
	assert [d.transaction_id for d in decisions] == [t.id for t in statement.transactions]
	assert Counter(d.status for d in decisions) == {M: 12, U: 16}


def test_r_acc_2_fixture_decisions_explain_themselves(statement):
	decisions = {
		d.transaction_id: d for d in transfer_matching.match(statement.transactions, statement_invoices())
	}
	first = decisions["C2606100001"]
	assert (first.amount, first.currency, first.customer) == (D("100.00"), "EUR", "Laboratoire Lefèvre")
	assert first.explanation == "Transfer of 100.00 EUR pays invoice ACC-SINV-2026-00012 in full"
	assert decisions["C2606100005"].reference == "TKT202600046"
	partial = decisions["C2606100006"]
	assert partial.message == transfer_matching.M_PARTIAL and partial.args == (
		"50.00",
		"EUR",
		name(17),
		"100.00",
	)
	assert partial.explanation == (
		"Transfer of 50.00 EUR is less than the 100.00 EUR outstanding on invoice ACC-SINV-2026-00017"
	)
	several = decisions["C2606100008"]
	assert several.invoices == (name(19), name(20))
	assert several.explanation.endswith("(ACC-SINV-2026-00019, ACC-SINV-2026-00020): split it by hand")
	assert decisions["C2606100009"].explanation == (
		"Transfer of 100.00 EUR refers to ACC-SINV-2026-00O21, which looks like a mistyped ACC-SINV-2026-00021"
	)
	assert decisions["D2606100010"].invoices == (name(36),)  # the credit note it refunds, for the accountant
	assert decisions["D2606100011"].message == transfer_matching.M_REVERSAL
	assert decisions["C2606100014"].args[3] == "C2606100013"
	assert decisions["C2606100016"].explanation.endswith("ACC-SINV-2026-00028, which is in CHF")
	assert decisions["C2606100017"].explanation == (
		"Transfer of 98.40 EUR, sent as 150.00 CAD, does not equal the 100.00 EUR outstanding"
		" on invoice ACC-SINV-2026-00029"
	)
	near = decisions["C2606100022"]
	assert near.invoice is None
	# open, unpaid invoices one typo from "0003"; 30 … 32 were paid earlier in the statement
	assert near.invoices == (name(23), name(33), name(34), name(35), name(37))
	assert decisions["C2606100026"].args == ("100.00", "EUR", "PDNG")


def test_every_decision_message_is_a_template_with_its_arguments(statement):
	decisions = transfer_matching.match(statement.transactions, statement_invoices())
	assert {d.reason for d in decisions} <= set(transfer_matching.REASONS)
	assert {d.message for d in decisions} <= set(transfer_matching.DECISION_MESSAGES)
	for d in decisions:
		fields = [f for _, f, _, _ in string.Formatter().parse(d.message) if f is not None]
		assert all(f.isdigit() for f in fields), d.message
		assert max(int(f) for f in fields) == len(d.args) - 1, d.message
		assert "{" not in d.explanation
	for template in (*transfer_matching.DECISION_MESSAGES, *bank_details.ERROR_MESSAGES.values()):
		assert all(f.isdigit() for _, f, _, _ in string.Formatter().parse(template) if f is not None)


def tx(text="", amount="100.00", credit=True, currency="EUR", id="T1", **kw):
	return camt053.BankTransaction(
		id=id,
		amount=D(amount),
		currency=currency,
		credit_debit=camt053.CREDIT if credit else camt053.DEBIT,
		remittance=text,
		**kw,
	)


def decide(text, invoices, **kw):
	(decision,) = transfer_matching.match([tx(text, **kw)], invoices)
	return decision.status, decision.reason, decision.invoice


@pytest.mark.parametrize(
	"text",
	[
		"ACC-SINV-2026-00012",
		"acc-sinv-2026-00012",
		"ACC SINV 2026 00012",
		"ACCSINV202600012",
		"Acc.Sinv.2026.00012",
		"Facture n° ACC–SINV–2026–00012, merci !",  # en dashes
		"FACTUREACC-SINV-2026-00012",
		"ACC-SINV-2026-0001 2",
		"ACC-SINV-2026-00012/2026",
		"ÀCC-SÍNV-2026-00012",
	],
)
def test_references_are_found_however_written(text):
	assert decide(text, [inv(12), inv(13)]) == (M, "matched", name(12))


@pytest.mark.parametrize("text", ["ACC-SINV-2026-000123", "ACC-SINV-2026-100012", "ACC-SINV-2026-0001"])
def test_a_reference_is_not_found_inside_a_longer_number(text):
	index = transfer_matching.InvoiceIndex([inv(12)])
	assert index.references(text) == ([], "")
	# but it is offered as the invoice probably meant
	assert decide(text, [inv(12)]) == (U, "mistyped_reference", name(12))


def test_ticket_name_is_the_fallback_reference():
	invoices = [inv(12, ticket="TKT-2026-00042"), inv(13, ticket="TKT-2026-00043")]
	assert decide("tkt 2026 00042", invoices) == (M, "matched", name(12))
	# an invoice number wins over another invoice's ticket
	assert decide("ACC-SINV-2026-00013 TKT-2026-00042", invoices) == (M, "matched", name(13))
	# a ticket sold twice (R-ACC-2 duplicate invoices): the accountant decides
	twice = [inv(12, ticket="TKT-2026-00042"), inv(14, ticket="TKT-2026-00042")]
	assert decide("TKT-2026-00042", twice) == (U, "several_invoices", None)
	# a credit note carries the ticket too, but never stands for it
	with_credit_note = [
		inv(12, ticket="TKT-2026-00042"),
		inv(14, "-100", "-100", is_return=True, ticket="TKT-2026-00042"),
	]
	assert decide("TKT-2026-00042", with_credit_note) == (M, "matched", name(12))


def test_several_invoices_even_when_the_sum_is_right():
	assert decide("ACC-SINV-2026-00012 + 00013", [inv(12), inv(13)]) == (M, "matched", name(12))
	assert decide("ACC-SINV-2026-00012 ACC-SINV-2026-00013", [inv(12), inv(13)], amount="200.00") == (
		U,
		"several_invoices",
		None,
	)
	# the same invoice written twice is one invoice
	assert decide("ACC-SINV-2026-00012 (ACCSINV202600012)", [inv(12)]) == (M, "matched", name(12))


def test_amount_rules():
	assert decide("ACC-SINV-2026-00012", [inv(12)], amount="99.99") == (U, "partial_payment", name(12))
	assert decide("ACC-SINV-2026-00012", [inv(12)], amount="100.01") == (U, "overpayment", name(12))
	# what is outstanding counts, not the grand total
	assert decide("ACC-SINV-2026-00012", [inv(12, "40.00")], amount="40.00") == (M, "matched", name(12))
	assert decide("ACC-SINV-2026-00012", [inv(12, "0.00")]) == (U, "already_paid", name(12))
	assert decide("ACC-SINV-2026-00012", [inv(12, "-5.00")]) == (U, "already_paid", name(12))
	# floats given by a caller are read as their decimal text
	floaty = transfer_matching.OpenInvoice("ACC-SINV-2026-00012", "C", 100.0, 100.0)
	assert decide("ACC-SINV-2026-00012", [floaty]) == (M, "matched", name(12))


def test_currency_rules():
	assert decide("ACC-SINV-2026-00012", [inv(12)], currency="USD") == (U, "currency", name(12))
	assert decide("ACC-SINV-2026-00012", [inv(12, currency="usd")], currency="USD") == (
		M,
		"matched",
		name(12),
	)
	# sent in another currency but credited exactly: paid
	exact = {"instructed_amount": D("108.10"), "instructed_currency": "USD"}
	assert decide("ACC-SINV-2026-00012", [inv(12)], **exact) == (M, "matched", name(12))
	assert decide("ACC-SINV-2026-00012", [inv(12)], amount="99.10", **exact) == (U, "currency", name(12))


def test_refunds_reversals_and_credit_notes_are_never_matched():
	assert decide("ACC-SINV-2026-00012", [inv(12)], credit=False) == (U, "refund", None)
	assert decide("ACC-SINV-2026-00012", [inv(12)], reversal=True) == (U, "refund", None)
	credit_note = inv(40, "-100.00", "-100.00", is_return=True)
	assert decide("ACC-SINV-2026-00040", [credit_note]) == (U, "refund", name(40))
	(decision,) = transfer_matching.match([tx("ACC-SINV-2026-00040")], [credit_note])
	assert decision.message == transfer_matching.M_CREDIT_NOTE
	# a credit note named next to its invoice: the invoice
	assert decide("ACC-SINV-2026-00012 avoir ACC-SINV-2026-00040", [inv(12), credit_note]) == (
		M,
		"matched",
		name(12),
	)


def test_each_invoice_is_matched_once_per_run():
	transactions = [tx("ACC-SINV-2026-00012", id=f"T{i}") for i in range(3)]
	decisions = transfer_matching.match(transactions, [inv(12)])
	assert [(d.transaction_id, d.reason) for d in decisions] == [
		("T0", "matched"),
		("T1", "duplicate_payment"),
		("T2", "duplicate_payment"),
	]
	# a partial payment first does not use the invoice up
	decisions = transfer_matching.match(
		[tx("ACC-SINV-2026-00012", "30.00", id="A"), tx("ACC-SINV-2026-00012", id="B")], [inv(12)]
	)
	assert [d.reason for d in decisions] == ["partial_payment", "matched"]


def test_mistyped_references():
	invoices = [inv(12), inv(21), inv(40)]
	assert decide("ACC-SINV-2026-00O12", invoices) == (U, "mistyped_reference", name(12))  # substitution
	assert decide("ACC-SINV-2026-00102", [inv(12)]) == (U, "mistyped_reference", name(12))  # swap
	assert decide("AC-SINV-2026-00040", invoices) == (U, "mistyped_reference", name(40))  # deletion
	assert decide("ACC-SINVV-2026-00040", invoices) == (U, "mistyped_reference", name(40))  # insertion
	assert decide("TKT-2026-0042", invoices) == (U, "mistyped_reference", name(12))  # its ticket
	# two typos away: nothing offered
	assert decide("ACC-SINV-2026-00O1Z", invoices) == (U, "unknown_reference", None)
	# several close: the amount decides
	close = [inv(12, "100.00"), inv(13, "250.00")]
	assert decide("ACC-SINV-2026-0001", close, amount="250.00") == (U, "mistyped_reference", name(13))
	# several close, same amount, no payer name: a list, no choice
	status, reason, invoice = decide("ACC-SINV-2026-0001", [inv(12), inv(13)])
	assert (status, reason, invoice) == (U, "unknown_reference", None)
	(decision,) = transfer_matching.match([tx("ACC-SINV-2026-0001")], [inv(12), inv(13)])
	assert decision.invoices == (name(12), name(13)) and decision.message == transfer_matching.M_UNKNOWN_NEAR
	# a paid invoice is not offered
	assert decide("ACC-SINV-2026-0001", [inv(12, "0"), inv(13)]) == (U, "mistyped_reference", name(13))


def test_within_one_edit():
	assert transfer_matching._within_one_edit("ABC", "ABC")
	assert transfer_matching._within_one_edit("ABC", "AXC") and transfer_matching._within_one_edit(
		"ABC", "BAC"
	)
	assert transfer_matching._within_one_edit("ABC", "AC") and transfer_matching._within_one_edit("AC", "ABC")
	assert not transfer_matching._within_one_edit("ABC", "CBA") and not transfer_matching._within_one_edit(
		"ABC", "A"
	)
	assert not transfer_matching._within_one_edit("ABCD", "BADC")


def test_not_booked_entries_wait():
	assert decide("ACC-SINV-2026-00012", [inv(12)], status="PDNG") == (U, "not_booked", None)
	assert decide("ACC-SINV-2026-00012", [inv(12)], status="") == (M, "matched", name(12))


def test_matching_is_deterministic(statement):
	invoices = statement_invoices()
	first = transfer_matching.match(statement.transactions, invoices)
	shuffled = invoices[:]
	random.Random(7).shuffle(shuffled)
	assert transfer_matching.match(statement.transactions, shuffled) == first
	assert transfer_matching.match(statement.transactions, invoices) == first


@settings(max_examples=200, deadline=None)
@given(
	number=st.integers(min_value=1, max_value=99999),
	year=st.integers(min_value=2024, max_value=2030),
	separator=st.sampled_from(["-", " ", "", ".", "_", " - ", "/"]),
	lower=st.booleans(),
	before=st.sampled_from(["", "Facture ", "REF:", "Paiement facture n° ", "merci "]),
	after=st.sampled_from(["", " merci", ".", " TKT", " du 02/03"]),
)
def test_a_reference_written_any_way_is_found(number, year, separator, lower, before, after):
	invoice = transfer_matching.OpenInvoice(f"ACC-SINV-{year}-{number:05d}", "Labo", D("100"), D("100"))
	written = separator.join(["ACC", "SINV", str(year), f"{number:05d}"])
	text = before + (written.lower() if lower else written) + after
	assert transfer_matching.InvoiceIndex([invoice]).references(text)[0] == [invoice.name]


def test_generated_statement_gives_the_expected_decisions_at_scale():
	invoices = camt_files.invoices(2000)
	invoices[5] = inv(6, "0")  # paid before
	entries = camt_files.payments_for(invoices, 3000, anomalies=0.15, batch_size=3, seed=11)
	statement = camt053.parse_camt053(camt_files.write_camt053(entries))
	assert len(statement.transactions) == 3000
	decisions = transfer_matching.match(statement.transactions, invoices)
	assert [(d.reason, d.invoice) for d in decisions] == camt_files.expected_outcomes(entries)
	reasons = Counter(d.reason for d in decisions)
	assert {
		"matched",
		"duplicate_payment",
		"partial_payment",
		"overpayment",
		"unknown_reference",
		"refund",
	} <= set(reasons)
	assert reasons["matched"] == len({d.invoice for d in decisions if d.matched})


def test_generated_ibans_are_valid():
	for bank, branch, _ in camt_files.PAYER_BANKS:
		for account in ("00000000001", "12345678901", "0500013M026"):
			iban = camt_files.french_iban(bank, branch, account)
			assert bank_details.check_iban(iban) == iban
