"""The language a client reads — on the portal, its error pages and in the mails —
and money and deadlines as they read them (``core.formats``).

The rule: the language the client chose (their user's language), else French, the
service's language — never the site's system language, which is the back office's
choice (a site set up in English still serves its French clients in French).
"""

from contextlib import contextmanager

import frappe
from frappe.translate import print_language

from dds_assistance.core import formats


def language_of(address: str | None) -> str:
	"""The language of the user behind ``address`` (a user id or an e-mail address),
	else French."""
	chosen = None
	if address:
		try:
			chosen = frappe.get_cached_value("User", address, "language")
		except frappe.DoesNotExistError:
			chosen = None
		if chosen is None and "@" in address:
			chosen = frappe.db.get_value("User", {"email": address}, "language")
	return formats.client_language(chosen)


@contextmanager
def client_language(address: str | None):
	"""Translate what is written inside for the client who will read it."""
	with print_language(language_of(address)):
		yield


@contextmanager
def user_language():
	"""Translate what is written inside (a note, an explanation) for the user who
	queued the work: a job speaks the site's language otherwise."""
	lang = frappe.local.lang
	frappe.set_user_lang(frappe.session.user)
	try:
		yield
	finally:
		frappe.local.lang = lang


def portal_language() -> str:
	"""The language of the portal for the session user: their own, else French; a
	visitor's, the one they picked on the website (Frappe's language cookie), else French."""
	user = frappe.session.user if getattr(frappe.local, "session", None) else None
	if user and user != "Guest":
		return language_of(user)
	request = getattr(frappe.local, "request", None)
	picked = request.cookies.get("preferred_language") if request is not None else None
	return formats.client_language(picked)


def use_portal_language() -> str:
	"""Speak the portal's language for the rest of this request (a portal page, its
	error page, a portal call's messages)."""
	frappe.local.lang = portal_language()
	return frappe.local.lang


def current_language() -> str:
	return formats.client_language(getattr(frappe.local, "lang", None))


def dds_money(amount, currency: str | None = "EUR", language: str | None = None) -> str:
	"""An amount as the reader writes it — "100,00 €" in French (a Jinja method of
	the app, for the portal's pages, the mails and the print formats)."""
	return formats.money(amount, currency or "EUR", language or current_language())


def dds_date_time(value, language: str | None = None) -> str:
	"""A date and time in words in the reader's language — "lundi 2 mars 2026 à 14:05"
	(a Jinja method of the app)."""
	if not value:
		return ""
	return formats.date_time(frappe.utils.get_datetime(value), language or current_language())


def dds_date(value, language: str | None = None) -> str:
	"""A date in words in the reader's language — "mardi 1er décembre 2026" (a Jinja
	method of the app)."""
	if not value:
		return ""
	return formats.date_text(frappe.utils.getdate(value), language or current_language())
