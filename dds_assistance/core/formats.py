"""How a client reads money and time, in the language they read.

* ``client_language``: the language the app writes to a client in — the one they
  chose (their user's language), else French, the service's language; never the
  site's system language (a site set up in English still serves French clients).
* ``money``: French writes "1 234,50 €" (narrow no-break space between thousands,
  no-break space before the symbol); English "€1,234.50". The portal, the mails and
  the invoice use this one formatting.
* ``date_time`` / ``date_text``: "lundi 2 mars 2026 à 14:05" / "Monday 2 March 2026
  at 14:05" — a deadline a client reads in words, whatever the site's date format.

Pure functions over plain values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_LANGUAGE = "fr"  # the service's language (CGV, CGU, the company's clients)

NARROW_NBSP = "\u202f"  # French thousands separator
NBSP = "\u00a0"  # before the currency symbol, in French
SYMBOLS = {"EUR": "€"}  # other currencies by their code: "10,00 USD" (no "$" of which dollar)

FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FRENCH_MONTHS = (
	"janvier",
	"février",
	"mars",
	"avril",
	"mai",
	"juin",
	"juillet",
	"août",
	"septembre",
	"octobre",
	"novembre",
	"décembre",
)
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ENGLISH_MONTHS = (
	"January",
	"February",
	"March",
	"April",
	"May",
	"June",
	"July",
	"August",
	"September",
	"October",
	"November",
	"December",
)


def client_language(chosen: str | None) -> str:
	"""The language to write to a client in: the one they chose, else French."""
	code = (chosen or "").strip().replace("_", "-")
	return code or DEFAULT_LANGUAGE


def is_french(language: str | None) -> bool:
	return client_language(language).lower().split("-")[0] == "fr"


def _cents(amount) -> Decimal:
	return Decimal(str(amount if amount is not None else 0)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def money(amount, currency: str | None = "EUR", language: str | None = DEFAULT_LANGUAGE) -> str:
	"""``amount`` as a client reads it: "100,00 €" in French, "€100.00" in English."""
	value = _cents(amount)
	sign = "-" if value < 0 else ""
	digits = f"{abs(value):,.2f}"  # "1,234.50"
	currency = (currency or "EUR").upper()
	symbol = SYMBOLS.get(currency)
	if is_french(language):
		digits = digits.replace(",", NARROW_NBSP).replace(".", ",")
		return f"{sign}{digits}{NBSP}{symbol or currency}"
	if symbol:
		return f"{sign}{symbol}{digits}"
	return f"{sign}{currency}{NBSP}{digits}"


def date_text(day: date | datetime, language: str | None = DEFAULT_LANGUAGE) -> str:
	""" "lundi 2 mars 2026" ("1er" for the first of a month) / "Monday 2 March 2026"."""
	if is_french(language):
		number = "1er" if day.day == 1 else str(day.day)
		return f"{FRENCH_DAYS[day.weekday()]} {number} {FRENCH_MONTHS[day.month - 1]} {day.year}"
	return f"{ENGLISH_DAYS[day.weekday()]} {day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def date_time(moment: datetime, language: str | None = DEFAULT_LANGUAGE) -> str:
	""" "lundi 2 mars 2026 à 14:05" / "Monday 2 March 2026 at 14:05"."""
	at = "à" if is_french(language) else "at"
	return f"{date_text(moment, language)} {at} {moment:%H:%M}"
