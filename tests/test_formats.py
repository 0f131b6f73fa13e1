"""How a client reads money and time: French by default ("100,00 €", "lundi 2 mars
2026 à 14:05"), English where they chose it."""

from datetime import date, datetime

import pytest

from dds_assistance.core import formats as f


@pytest.mark.parametrize(
	"chosen, expected",
	[(None, "fr"), ("", "fr"), ("fr", "fr"), ("en", "en"), ("en_GB", "en-GB"), (" de ", "de")],
)
def test_the_clients_language_is_their_choice_else_french(chosen, expected):
	assert f.client_language(chosen) == expected


@pytest.mark.parametrize(
	"amount, language, expected",
	[
		(100, "fr", "100,00\u00a0€"),
		(100, None, "100,00\u00a0€"),
		(1234.5, "fr", "1\u202f234,50\u00a0€"),
		(1234567.891, "fr-CA", "1\u202f234\u202f567,89\u00a0€"),
		(-16.665, "fr", "-16,67\u00a0€"),
		(2.675, "fr", "2,68\u00a0€"),  # rounded half up on the decimal value, not the float
		(None, "fr", "0,00\u00a0€"),
		("83.33", "fr", "83,33\u00a0€"),
		(100, "en", "€100.00"),
		(1234.5, "en-GB", "€1,234.50"),
		(-5, "en", "-€5.00"),
	],
)
def test_french_writes_the_amount_then_the_euro_sign(amount, language, expected):
	assert f.money(amount, "EUR", language) == expected


def test_other_currencies():
	assert f.money(10, "USD", "fr") == "10,00\u00a0USD"
	assert f.money(10, "CHF", "fr") == "10,00\u00a0CHF"
	assert f.money(10, "CHF", "en") == "CHF\u00a010.00"


def test_a_deadline_reads_in_words_in_the_clients_language():
	due = datetime(2026, 3, 2, 14, 5)
	assert f.date_time(due) == "lundi 2 mars 2026 à 14:05"
	assert f.date_time(due, "en") == "Monday 2 March 2026 at 14:05"
	assert f.date_text(date(2026, 8, 1), "fr") == "samedi 1er août 2026"
	assert f.date_text(date(2026, 12, 25), "en") == "Friday 25 December 2026"
