"""Every input the app takes from outside has a bound, and every bound is here: the
portal's fields, the server's checks and the refusals read the same numbers.

* what a person writes in one go (``MAXIMA``, ``check_lengths``): past the maximum
  the text is refused with a clear message — never cut without a word, never
  stored to run off a page;
* the arguments of the app's endpoints (``check_argument``): a text at most its
  maximum (a record's name, a date, a choice: ``NAME_LENGTH``), a list at most
  ``LIST_ITEMS`` items, a number within ``INTEGER_RANGE``;
* what a client attaches (``ATTACHMENT_MB``, ``ATTACHMENTS_PER_TICKET``);
* an e-mail (``MAIL_*``): read up to its bounds, the rest kept in the mailbox and
  said so to the agents — a mail is never dropped;
* a bank statement file (``STATEMENT_*``): refused past its size, its number of
  statements or of transactions, its depth; each transaction's remittance read up
  to ``REFERENCE_CHARACTERS`` characters (the rest is not matched on, and the
  explanation says so).

Each refusal is a :class:`RuleError` whose English template states the bound (the
French is in the app's translations).
"""

from __future__ import annotations

import json

from dds_assistance.core.errors import RuleError

MB = 1024 * 1024

# ---------------------------------------------------------------------------- texts people write
MAXIMA = {
	"subject": 140,  # one line, as in the mail's subject
	"description": 20_000,  # some pages of text and pasted logs; files go as attachments
	"message": 20_000,
	"complaint": 20_000,
	"serial_no": 140,
	"equipment_reference": 140,
	# the desk's actions: an answer is a letter, a reason or a note a paragraph
	"answer": 20_000,
	"reason": 2_000,
	"note": 2_000,
	"instruction": 2_000,
	"purpose": 2_000,
	"new_scope": 2_000,
}


def check_lengths(**texts: str | None) -> None:
	"""Refuse the first text longer than its maximum (counted after trimming the
	blanks at both ends)."""
	for field, text in texts.items():
		length = len((text or "").strip())
		if length > MAXIMA[field]:
			raise RuleError(
				"too_long",
				"{0} is too long: {1} characters at most, {2} sent. Shorten it, or attach a file.",
				field,
				MAXIMA[field],
				length,
			)


# ---------------------------------------------------------------------------- endpoint arguments
NAME_LENGTH = 140  # a record's name (Frappe's names are 140 characters at most), a date, a choice
LIST_ITEMS = 500  # the longest page of Frappe's list view
INTEGER_RANGE = (-1_000_000_000, 1_000_000_000)
# arguments whose text may be longer than a name: what a person writes, a chart's filters
ARGUMENT_LENGTHS = {
	**MAXIMA,
	# what a client adds to an incomplete request is more of its description
	"details": MAXIMA["description"],
	"filters": 10_000,
	# a list sent as JSON text: its items are names
	"tickets": LIST_ITEMS * (NAME_LENGTH + 3) + 2,
}
# arguments an endpoint bounds itself, with the reason: a file's content is refused
# past the attachment bound once decoded (its text is bounded by the site's request size)
SELF_BOUNDED = frozenset({"filedata"})


def argument_length(name: str, container: bool = False) -> int:
	"""The longest text of an argument (of a list or a mapping: as JSON text)."""
	if name in ARGUMENT_LENGTHS:
		return ARGUMENT_LENGTHS[name]
	return LIST_ITEMS * (NAME_LENGTH + 3) + 2 if container else NAME_LENGTH


def check_argument(name: str, value) -> None:
	"""Refuse an endpoint's argument past its bound: a text longer than its maximum,
	a list of more than ``LIST_ITEMS`` items, a number out of ``INTEGER_RANGE``."""
	if name in SELF_BOUNDED or value is None or isinstance(value, bool):
		return
	if isinstance(value, int | float):
		low, high = INTEGER_RANGE
		if not low <= value <= high:
			raise RuleError("argument_out_of_range", "{0} must be between {1} and {2}.", name, low, high)
		return
	container = isinstance(value, list | tuple | dict)
	if container and len(value) > LIST_ITEMS:
		raise RuleError(
			"too_many_items", "{0} has too many items: {1} at most, {2} sent.", name, LIST_ITEMS, len(value)
		)
	length = len(json.dumps(value, default=str)) if container else len(str(value))
	if length > argument_length(name, container):
		raise RuleError(
			"argument_too_long",
			"{0} is too long: {1} characters at most, {2} sent.",
			name,
			argument_length(name, container),
			length,
		)


# ---------------------------------------------------------------------------- attachments
ATTACHMENT_MB = (
	20  # a file a client attaches: the default of Assistance Settings, capped by the site's upload limit
)
ATTACHMENTS_PER_TICKET = 50  # files a client attaches to one request from the portal


def check_attachment_count(count: int) -> None:
	"""Refuse one more file on a request that holds ``count`` already."""
	if count >= ATTACHMENTS_PER_TICKET:
		raise RuleError(
			"too_many_attachments",
			"This request already holds {0} files, the most it can hold: send the others in a new request.",
			ATTACHMENTS_PER_TICKET,
		)


# ---------------------------------------------------------------------------- e-mail
MAIL_MB = 25  # a mail as the mail server delivers it (the common limit of mail providers)
MAIL_ATTACHMENTS = 20  # attachments stored from one mail
MAIL_HEADERS = 500  # header fields read (the receiving server's own come first)
MAIL_TEXT_CHARACTERS = 500_000  # the body kept on the ticket (about 200 pages of text)


def mail_bounds(size: int, headers: int, attachments: int, text_characters: int) -> list[RuleError]:
	"""What a mail passes of its bounds, each a :class:`RuleError` stating the bound
	(the intake reads the mail up to them and notes each for the agents)."""
	passed = []
	if size > MAIL_MB * MB:
		passed.append(
			RuleError(
				"mail_too_large",
				"This mail is {0} MB, more than the {1} MB read: its attachments were not stored, read them in the mailbox.",
				round(size / MB, 1),
				MAIL_MB,
			)
		)
	if headers > MAIL_HEADERS:
		passed.append(
			RuleError(
				"mail_headers",
				"This mail has {0} header fields: only the first {1} were read.",
				headers,
				MAIL_HEADERS,
			)
		)
	if attachments > MAIL_ATTACHMENTS and size <= MAIL_MB * MB:
		passed.append(
			RuleError(
				"mail_attachments",
				"This mail has {0} attachments: the first {1} were stored, read the others in the mailbox.",
				attachments,
				MAIL_ATTACHMENTS,
			)
		)
	if text_characters > MAIL_TEXT_CHARACTERS:
		passed.append(
			RuleError(
				"mail_text",
				"This mail's text is {0} characters long: the first {1} were kept, read the rest in the mailbox.",
				text_characters,
				MAIL_TEXT_CHARACTERS,
			)
		)
	return passed


# ---------------------------------------------------------------------------- bank statements
STATEMENT_MB = 20  # a CAMT.053 file
STATEMENT_STATEMENTS = 500  # statements (days, accounts) in one file
STATEMENT_TRANSACTIONS = 10_000  # transactions in one file
STATEMENT_DEPTH = 40  # nesting of the XML (a camt.053 needs about 15)
STATEMENT_TEXT_MB = 10  # one text or attribute (the XML parser's own bound without huge_tree)
STATEMENT_ELEMENTS = 5_000  # elements of one entry or one transaction, its remittance apart
REFERENCE_CHARACTERS = 1_000  # remittance read per transaction to find the invoice it pays
NEAR_MISS_PIECES = 16  # places that look like a reference in a text searched for a mistyped one
STATEMENT_INLINE_KB = 256  # a file up to this size is read at once; a larger one by a worker


def check_statement_size(size: int) -> None:
	if size > STATEMENT_MB * MB:
		raise RuleError(
			"statement_too_large",
			"The statement file is larger than {1} MB ({0} MB): download the statement over fewer days.",
			round(size / MB, 1),
			STATEMENT_MB,
		)


def statement_refusal(code: str, *args) -> RuleError:
	"""The refusal of a statement that passes a bound while it is read."""
	return RuleError(code, STATEMENT_MESSAGES[code], *args)


STATEMENT_MESSAGES = {
	"statement_too_many_statements": "The statement file holds more than {0} statements: download fewer days or accounts at a time.",
	"statement_too_many_transactions": "The statement file holds more than {0} transactions: download the statement over fewer days.",
	"statement_too_deep": "The statement file nests its elements more than {0} levels deep: it is not a bank statement.",
	"statement_text_too_long": "The statement file holds a text longer than {0} MB: it is not a bank statement.",
	"statement_too_many_elements": "Entry {0} of the statement file holds more than {1} elements: it is not a bank statement.",
}
