"""Every user-facing string of the app has a French translation
(translations/fr.csv): messages in Python (``_("…")``) and JavaScript
(``__("…")``), doctype labels, descriptions and Select options, role and
doctype names."""

import ast
import csv
import json
import re
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "dds_assistance"
FR = APP / "translations" / "fr.csv"
RULE_ID = re.compile(r"^R-[A-Z]+-\d+$")
JS_CALL = re.compile(r"""__\(\s*(["'`])((?:\\.|(?!\1).)*)\1""", re.S)
# Select options that are codes, not words
UNTRANSLATED = {"TKT-.YYYY.-", "INT-.YYYY.-", "EUR", "Email", "Phone"}


def french() -> dict[str, str]:
	with FR.open(encoding="utf-8", newline="") as handle:
		return {row[0]: row[1] for row in csv.reader(handle) if row}


def python_strings():
	for path in APP.rglob("*.py"):
		if path.name.startswith("test_") or path.name == "testing.py":
			continue
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in ast.walk(tree):
			if (
				isinstance(node, ast.Call)
				and getattr(node.func, "id", None) == "_"
				and node.args
				and isinstance(node.args[0], ast.Constant)
				and isinstance(node.args[0].value, str)
			):
				yield path.name, node.args[0].value


def js_strings():
	for path in APP.rglob("*.js"):
		for match in JS_CALL.finditer(path.read_text(encoding="utf-8")):
			yield path.name, match.group(2)


JINJA_CALL = re.compile(r"""_\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*\)""")


def template_strings():
	for path in APP.rglob("*.html"):
		for match in JINJA_CALL.finditer(path.read_text(encoding="utf-8")):
			yield path.name, match.group(2)


def doctype_strings():
	for path in (APP / "dds_assistance" / "doctype").rglob("*.json"):
		meta = json.loads(path.read_text(encoding="utf-8"))
		if meta.get("doctype") != "DocType":
			continue
		yield path.name, meta["name"]
		for permission in meta.get("permissions", []):
			if permission["role"].startswith("Assistance"):
				yield path.name, permission["role"]
		for field in meta["fields"]:
			for key in ("label", "description"):
				if field.get(key):
					yield path.name, field[key]
			if field["fieldtype"] == "Select":
				for option in (field.get("options") or "").split("\n"):
					if option and option not in UNTRANSLATED:
						yield path.name, option


def core_messages():
	"""Refusal templates raised by the core and shown through ``_(error.message)``."""
	for path in (APP / "core").glob("*.py"):
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in ast.walk(tree):
			if (
				isinstance(node, ast.Call)
				and getattr(node.func, "attr", getattr(node.func, "id", "")) == "RuleError"
			):
				if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant | ast.JoinedStr):
					if isinstance(node.args[1], ast.Constant):
						yield path.name, node.args[1].value


def core_constants():
	"""Messages the core keeps in tables and the Frappe side shows through ``_()``."""
	from dds_assistance.core import (
		accounting,
		acknowledgements,
		bank_details,
		limits,
		mail_intake,
		remote_sessions,
		transfer_matching,
	)

	for table in (
		remote_sessions.START_REFUSALS,
		remote_sessions.CHECKLIST_LABELS,
		bank_details.ERROR_MESSAGES,
		limits.STATEMENT_MESSAGES,
	):
		for text in table.values():
			yield "core", text
	for text in (*accounting.ANOMALIES, *transfer_matching.DECISION_MESSAGES, *transfer_matching.REASONS):
		yield "core", text
	yield "core", transfer_matching.M_TRUNCATED
	# what an acknowledgement was, what a mail that takes no answer is (the ticket's note)
	for text in (*acknowledgements.KINDS, mail_intake.LIST, mail_intake.NO_ANSWER):
		yield "core", text
	yield from einvoice_constants()
	yield from direct_debit_constants()


def direct_debit_constants():
	"""The SEPA direct debit's refusals, R-transaction reasons and statement decisions
	(#29), shown in French to the client and the accountant."""
	from dds_assistance.core import direct_debit_matching, sepa_debit

	for table in (sepa_debit.ERROR_MESSAGES, sepa_debit.REFUSALS, sepa_debit.REASON_CODES):
		for text in table.values():
			yield "core", text
	yield "core", sepa_debit.UNKNOWN_REASON
	for text in (*direct_debit_matching.DECISION_MESSAGES, *direct_debit_matching.REASONS):
		yield "core", text


def einvoice_constants():
	"""The e-invoice's refusals and legal mentions (core) and the Factur-X PDF's
	warnings and metadata (``facturx_pdf``), shown or written in French."""
	from dds_assistance.core import en16931
	from dds_assistance.integrations import facturx_pdf

	for text in en16931.MESSAGES.values():
		yield "core", text
	for text in (
		en16931.PENALTIES_TEXT,
		en16931.RECOVERY_INDEMNITY_TEXT,
		en16931.NO_DISCOUNT_TEXT,
		en16931.VAT_ON_RECEIPTS_TEXT,
	):
		yield "core", text
	for text in (
		facturx_pdf.NO_GHOSTSCRIPT,
		facturx_pdf.GHOSTSCRIPT_FAILED,
		facturx_pdf.TITLE_INVOICE,
		facturx_pdf.TITLE_CREDIT_NOTE,
		facturx_pdf.SUBJECT_INVOICE,
		facturx_pdf.SUBJECT_CREDIT_NOTE,
	):
		yield "facturx_pdf.py", text


def label_tables():
	"""Module-level ``*_LABELS`` tables of the Frappe side, shown through ``_()``
	(``errors.FIELD_LABELS``, ``endpoints.ARGUMENT_LABELS`` …)."""
	for path in APP.rglob("*.py"):
		if path.name.startswith("test_"):
			continue
		for node in ast.parse(path.read_text(encoding="utf-8")).body:
			if (
				isinstance(node, ast.Assign)
				and any(getattr(target, "id", "").endswith("_LABELS") for target in node.targets)
				and isinstance(node.value, ast.Dict)
			):
				for value in node.value.values:
					if isinstance(value, ast.Constant) and isinstance(value.value, str):
						yield path.name, value.value


def test_every_user_facing_string_has_a_french_translation():
	known = french()
	missing = sorted(
		{
			f"{where}: {text}"
			for source in (
				python_strings(),
				js_strings(),
				template_strings(),
				doctype_strings(),
				core_messages(),
				core_constants(),
				label_tables(),
			)
			for where, text in source
			if text.strip() not in known and not RULE_ID.match(text.strip())
		}
	)
	assert missing == [], "\n".join(missing)


def test_translation_file_is_well_formed():
	with FR.open(encoding="utf-8", newline="") as handle:
		rows = list(csv.reader(handle))
	sources = [row[0] for row in rows]
	assert len(sources) == len(set(sources)), "duplicate source strings"
	for row in rows:
		assert len(row) in (2, 3) and row[1].strip(), row
		assert row[0].count("{") == row[1].count("{"), row


RULE_ID_IN_TEXT = re.compile(r"\bR-[A-Z]+-\d+\b")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def doctype_descriptions():
	for path in APP.rglob("*.json"):
		meta = json.loads(path.read_text(encoding="utf-8"))
		if isinstance(meta, dict) and meta.get("doctype") == "DocType" and meta.get("description"):
			yield path.name, meta["description"]


def shipped_messages():
	"""What the shipped Notifications and Email Templates write to people."""
	for folder in ("notifications", "email_templates"):
		for path in (APP / "setup" / folder).glob("*.json"):
			values = json.loads(path.read_text(encoding="utf-8"))
			for key in ("subject", "message", "response", "response_html"):
				if values.get(key):
					yield path.name, values[key]


def page_texts():
	"""Templates (portal pages, print formats) as written, comments aside."""
	for path in APP.rglob("*.html"):
		text = HTML_COMMENT.sub("", JINJA_COMMENT.sub("", path.read_text(encoding="utf-8")))
		yield path.name, text


def french_texts():
	for source, text in french().items():
		yield "fr.csv", source
		yield "fr.csv", text


def test_no_rule_id_in_what_people_read():
	"""Rule ids (R-TKT-4 …) are for code, tests and logs: never in a message, label,
	description, mail or page that a client or an agent reads."""
	found = sorted(
		{
			f"{where}: {text[:120]}"
			for source in (
				python_strings(),
				js_strings(),
				template_strings(),
				doctype_strings(),
				doctype_descriptions(),
				core_messages(),
				core_constants(),
				label_tables(),
				shipped_messages(),
				page_texts(),
				french_texts(),
			)
			for where, text in source
			if RULE_ID_IN_TEXT.search(text)
		}
	)
	assert found == [], "\n".join(found)
