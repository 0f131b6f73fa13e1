"""SEPA direct debit of Premium renewals (issue #29), the core alone: creditor
identifier, mandate reference and state, pre-notification, collection refusals,
the pain.008.001.02 file against the official schema, R-transaction reasons."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from dds_assistance.core import sepa_debit as sdd
from dds_assistance.samples.sepa_files import make_creditor_id

ICS = make_creditor_id("5A3B9C")  # FR03ZZZ5A3B9C
CREDITOR = sdd.Creditor(
	"3D Dental Store",
	"FR7618306002149457213680025",
	"AGRIFRPP883",
	ICS,
	address_lines=("75 route de Lyons-la-Forêt", "76000 Rouen"),
)
DEBTOR_IBAN = "FR7630004028370001059384612"


def debit(number: int, sequence: str = sdd.RECURRENT, amount: str = "1188.00", **values) -> sdd.Debit:
	return sdd.Debit(
		end_to_end_id=values.pop("e2e", f"ACC-SINV-2026-{number:05d}"),
		amount=Decimal(amount),
		mandate_reference=f"RUM-C{number:04d}-01",
		mandate_signed_on=date(2026, 1, 5),
		debtor_name=values.pop("name", "Laboratoire Dentaire Élodie & Fils"),
		debtor_iban=DEBTOR_IBAN,
		debtor_bic=values.pop("bic", "BNPAFRPP"),
		sequence_type=sequence,
		**values,
	)


# ---------------------------------------------------------------------------- creditor identifier (ICS)
def test_creditor_id_check_digits_are_mod_97_over_national_id_and_country_without_the_business_code():
	assert sdd.check_creditor_id("FR72ZZZ123456") == "FR72ZZZ123456"
	assert sdd.check_creditor_id("fr 72 zzz 123456") == "FR72ZZZ123456"
	# the business code is not part of the computation: any three characters keep the digits
	assert sdd.check_creditor_id("FR72ABC123456") == "FR72ABC123456"
	assert make_creditor_id("123456") == "FR72ZZZ123456"
	assert sdd.check_creditor_id("DE98ZZZ09999999999") == "DE98ZZZ09999999999"  # Bundesbank's example


@pytest.mark.parametrize(
	"value",
	["FR73ZZZ123456", "FR72ZZZ123457", "FR72ZZZ12345", "FR72ZZZ1234567", "7272ZZZ123456", "FR72ZZZ12345!"],
)
def test_a_wrong_creditor_id_is_refused(value):
	with pytest.raises(sdd.DirectDebitError) as caught:
		sdd.check_creditor_id(value)
	assert caught.value.code == "invalid_creditor_id"


def test_a_missing_creditor_id_is_refused():
	with pytest.raises(sdd.DirectDebitError) as caught:
		sdd.check_creditor_id("  ")
	assert caught.value.code == "missing_creditor_id"


# ---------------------------------------------------------------------------- mandate reference (RUM)
def test_mandate_reference_rules():
	assert sdd.check_mandate_reference("RUM-C0001-01") == "RUM-C0001-01"
	assert sdd.check_mandate_reference("A" * 35) == "A" * 35
	for wrong in ("", "A" * 36, "RUM C0001", "/RUM1", "RUM1/", "RUM//1", "RUM-É1", "RUM_1"):
		with pytest.raises(sdd.DirectDebitError):
			sdd.check_mandate_reference(wrong)
	assert sdd.mandate_reference("c-0001", 3) == "RUM-C0001-03"


# ---------------------------------------------------------------------------- mandate state
def test_mandate_expires_36_months_after_its_last_collection_or_its_signature():
	signed = sdd.MandateFacts("RUM-1", signed_on=date(2023, 3, 10))
	assert signed.expires_on == date(2026, 3, 10)
	assert sdd.mandate_status(signed, date(2026, 3, 9)) == sdd.ACTIVE
	assert sdd.mandate_status(signed, date(2026, 3, 10)) == sdd.EXPIRED
	used = sdd.MandateFacts("RUM-1", signed_on=date(2020, 1, 1), last_collection_on=date(2025, 2, 28))
	assert sdd.mandate_status(used, date(2028, 2, 27)) == sdd.ACTIVE
	assert sdd.mandate_status(used, date(2028, 2, 28)) == sdd.EXPIRED


def test_a_revocation_takes_effect_for_the_next_debit():
	mandate = sdd.MandateFacts("RUM-1", signed_on=date(2026, 1, 5), revoked_on=date(2026, 6, 1))
	assert sdd.mandate_status(mandate, date(2026, 5, 31)) == sdd.ACTIVE
	assert sdd.mandate_status(mandate, date(2026, 6, 1)) == sdd.REVOKED


def test_first_collection_is_frst_then_rcur():
	assert sdd.sequence_type(sdd.MandateFacts("RUM-1")) == sdd.FIRST
	assert sdd.sequence_type(sdd.MandateFacts("RUM-1", presented=True)) == sdd.RECURRENT


def test_a_second_failure_stops_automatic_collection():
	assert not sdd.collection_stopped(1) and sdd.collection_stopped(2)


def test_a_signed_mandate_needs_holder_iban_bic_date_and_place():
	signed = sdd.check_mandate(
		"RUM-C0001-01",
		"CORE",
		" Labo  Alpha ",
		"fr76 3000 4028 3700 0105 9384 612",
		"BNPAFRPP",
		date(2026, 1, 5),
		"Rouen",
		date(2026, 1, 5),
	)
	assert (signed.debtor_name, signed.iban, signed.bic, signed.prenotice_days) == (
		"Labo Alpha",
		DEBTOR_IBAN,
		"BNPAFRPP",
		14,
	)
	cases = {
		"missing_debtor_name": dict(debtor_name=""),
		"invalid_iban": dict(iban="FR7630004028370001059384613"),
		"bic_country_mismatch": dict(bic="DEUTDEFF"),
		"future_signature": dict(signed_on=date(2026, 1, 6)),
		"missing_signature_place": dict(place=" "),
		"invalid_scheme": dict(scheme="COR1"),
		"invalid_prenotice_days": dict(prenotice_days=0),
	}
	base = dict(
		reference="RUM-C0001-01",
		scheme="B2B",
		debtor_name="Labo",
		iban=DEBTOR_IBAN,
		bic="",
		signed_on=date(2026, 1, 5),
		place="Rouen",
		today=date(2026, 1, 5),
	)
	for code, change in cases.items():
		with pytest.raises(sdd.RuleError) as caught:
			sdd.check_mandate(**{**base, **change})
		assert caught.value.code == code


def test_mandate_text_is_the_french_text_of_the_rulebook_with_the_refund_right_of_its_scheme():
	core = dict(
		sdd.mandate_text(
			creditor_name="3D Dental Store",
			creditor_address="75 route de Lyons-la-Forêt, 76000 Rouen",
			creditor_id=ICS,
			reference="RUM-C0001-01",
			scheme=sdd.CORE,
		)
	)
	text = " ".join(
		value
		for label, value in sdd.mandate_text(
			creditor_name="3D Dental Store",
			creditor_address="Rouen",
			creditor_id=ICS,
			reference="RUM-1",
			scheme=sdd.CORE,
		)
		if not label
	)
	assert core["Référence unique du mandat (RUM)"] == "RUM-C0001-01"
	assert core["Identifiant créancier SEPA (ICS)"] == ICS
	assert "vous autorisez 3D Dental Store à envoyer des instructions à votre banque" in text
	assert "8 semaines" in text and "14 jours calendaires" in text
	b2b = " ".join(
		v
		for label, v in sdd.mandate_text(
			creditor_name="X", creditor_address="Y", creditor_id=ICS, reference="RUM-1", scheme=sdd.B2B
		)
		if not label
	)
	assert "aucun droit à remboursement" in b2b and "8 semaines" not in b2b


# ---------------------------------------------------------------------------- dates
def test_target_calendar_closes_weekends_and_its_six_holidays():
	for closed in (
		date(2026, 1, 1),
		date(2026, 4, 3),
		date(2026, 4, 6),
		date(2026, 5, 1),
		date(2026, 12, 25),
		date(2026, 12, 26),
		date(2026, 3, 7),
	):
		assert sdd.target_closed(closed), closed
	# French public holidays that TARGET2 keeps open
	for open_day in (date(2026, 5, 8), date(2026, 7, 14), date(2026, 11, 11), date(2026, 5, 14)):
		assert not sdd.target_closed(open_day), open_day


def test_debit_date_is_at_least_the_prenotice_period_after_the_notice_on_a_target_day():
	assert sdd.debit_date(date(2026, 3, 2)) == date(2026, 3, 16)  # Monday + 14 days: a Monday
	assert sdd.debit_date(date(2026, 3, 7)) == date(2026, 3, 23)  # + 14 = Saturday 21st → Monday
	assert sdd.debit_date(date(2026, 3, 20)) == date(2026, 4, 7)  # Good Friday and Easter Monday skipped
	assert sdd.debit_date(date(2026, 3, 2), 5) == date(2026, 3, 9)  # the mandate's own period
	assert sdd.debit_date(date(2026, 3, 2), 14, due_on=date(2026, 4, 1)) == date(2026, 4, 1)


def test_collection_date_is_a_target_day_one_business_day_after_the_file():
	assert sdd.earliest_collection_date(date(2026, 3, 6)) == date(2026, 3, 9)  # file on Friday: Monday
	assert sdd.earliest_collection_date(date(2026, 3, 7)) == date(2026, 3, 10)  # Saturday: as Monday's
	assert sdd.check_collection_date(date(2026, 3, 9), date(2026, 3, 6)) == date(2026, 3, 9)
	with pytest.raises(sdd.DirectDebitError) as caught:
		sdd.check_collection_date(date(2026, 3, 9), date(2026, 3, 7))
	assert caught.value.code == "collection_date_too_soon"
	with pytest.raises(sdd.DirectDebitError) as caught:
		sdd.check_collection_date(date(2026, 12, 25), date(2026, 3, 6))
	assert caught.value.code == "invalid_collection_date"


# ---------------------------------------------------------------------------- what a batch collects
MANDATE = sdd.MandateFacts("RUM-C0001-01", sdd.CORE, signed_on=date(2026, 1, 5), prenotice_days=14)


def to_collect(**values) -> sdd.InvoiceToCollect:
	base = dict(
		invoice="ACC-SINV-2026-00012",
		outstanding=Decimal("1188"),
		mandate=MANDATE,
		prenotified_on=date(2026, 3, 2),
		debit_date=date(2026, 3, 16),
	)
	return sdd.InvoiceToCollect(**{**base, **values})


def codes(item, day=date(2026, 3, 16), scheme=sdd.CORE):
	return [refusal[0] for refusal in sdd.collection_refusals(item, day, scheme)]


def test_an_invoice_prenotified_14_days_before_is_collected():
	assert codes(to_collect()) == []
	assert codes(to_collect(), day=date(2026, 3, 20)) == []


def test_what_keeps_an_invoice_out_of_a_batch():
	assert codes(to_collect(), day=date(2026, 3, 15)) == ["prenotice_too_short"]
	assert codes(to_collect(debit_date=date(2026, 3, 20))) == ["debit_date_later"]
	assert codes(to_collect(prenotified_on=None)) == ["not_prenotified"]
	assert codes(to_collect(), scheme=sdd.B2B) == ["other_scheme"]
	assert codes(to_collect(mandate=None)) == ["no_mandate"]
	assert codes(to_collect(outstanding=Decimal(0))) == ["nothing_due"]
	assert codes(to_collect(currency="USD")) == ["not_euro"]
	assert codes(to_collect(in_batch="DDB-2026-00001")) == ["already_in_batch"]
	revoked = sdd.MandateFacts("RUM-1", signed_on=date(2026, 1, 5), revoked_on=date(2026, 3, 10))
	assert codes(to_collect(mandate=revoked)) == ["mandate_revoked"]
	expired = sdd.MandateFacts("RUM-1", signed_on=date(2023, 1, 5))
	assert codes(to_collect(mandate=expired)) == ["mandate_expired"]
	stopped = sdd.MandateFacts("RUM-1", signed_on=date(2026, 1, 5), failures=2)
	assert codes(to_collect(mandate=stopped)) == ["collection_stopped"]
	for code, _args in [
		(r[0], r[1:]) for r in sdd.collection_refusals(to_collect(mandate=revoked), date(2026, 3, 16), "CORE")
	]:
		assert code in sdd.REFUSALS


# ---------------------------------------------------------------------------- pain.008.001.02
def test_pain008_is_valid_against_the_official_schema_one_block_per_sequence_type():
	debits = [debit(1, sdd.FIRST), debit(2, sdd.RECURRENT, "99.90", bic=""), debit(3, sdd.RECURRENT)]
	xml = sdd.build_pain008(CREDITOR, date(2026, 3, 16), sdd.CORE, debits)
	assert sdd.schema_errors(xml) == []
	read = sdd.read_pain008(xml)
	assert (read.count, read.total, read.creditor_id) == (3, Decimal("2475.90"), ICS)
	assert len(read.message_id) <= 35
	blocks = {block.sequence_type: block for block in read.blocks}
	assert set(blocks) == {"FRST", "RCUR"}
	assert blocks["FRST"].end_to_end_ids == ["ACC-SINV-2026-00001"]
	assert blocks["RCUR"].end_to_end_ids == ["ACC-SINV-2026-00002", "ACC-SINV-2026-00003"]
	assert (blocks["RCUR"].count, blocks["RCUR"].total) == (2, Decimal("1287.90"))
	assert {block.scheme for block in read.blocks} == {"CORE"}
	assert {block.collection_date for block in read.blocks} == {date(2026, 3, 16)}
	assert blocks["FRST"].mandates == ["RUM-C0001-01"]
	assert len({block.id for block in read.blocks}) == 2


def test_pain008_b2b_and_names_in_the_sepa_character_set():
	xml = sdd.build_pain008(
		CREDITOR, date(2026, 3, 16), sdd.B2B, [debit(1, name="Prothèses Dupré & Cie — Caen")]
	)
	assert sdd.read_pain008(xml).blocks[0].scheme == "B2B"
	root = etree.fromstring(xml)
	names = [e.text for e in root.iter("{*}Nm")]
	assert "Protheses Dupre Cie Caen" in names


def test_the_schema_check_sees_a_wrong_file():
	xml = sdd.build_pain008(CREDITOR, date(2026, 3, 16), sdd.CORE, [debit(1)])
	broken = xml.replace(b"<SeqTp>RCUR</SeqTp>", b"<SeqTp>ONCE</SeqTp>")
	assert sdd.schema_errors(broken)
	with pytest.raises(sdd.DirectDebitError) as caught:
		sdd.validate_pain008(broken)
	assert caught.value.code == "invalid_file"


def test_a_file_needs_debits_and_positive_amounts_in_cents():
	with pytest.raises(sdd.DirectDebitError):
		sdd.build_pain008(CREDITOR, date(2026, 3, 16), sdd.CORE, [])
	for amount in ("0", "-5", "10.001"):
		with pytest.raises(sdd.DirectDebitError):
			sdd.build_pain008(CREDITOR, date(2026, 3, 16), sdd.CORE, [debit(1, amount=amount)])


# ---------------------------------------------------------------------------- R-transactions
def test_return_reasons_are_explained_and_an_unknown_one_is_named():
	assert sdd.reason_message("AM04") == ("Insufficient funds.", ())
	assert sdd.reason_message("md01")[0].startswith("No valid mandate")
	assert sdd.reason_message("MS02") == ("Refused by the debtor.", ())
	assert sdd.reason_message("XX99") == (sdd.UNKNOWN_REASON, ("XX99",))
