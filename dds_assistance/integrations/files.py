"""Files a client sends (portal, e-mail): checked against the allowed types and
their content, stored private on the record, and never served as something a
browser would run (see ``responses.py``)."""

import frappe
from frappe.core.api.file import get_max_file_size

from dds_assistance.core import attachments, limits
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.refusals import InputTooLarge, throw_rule


def allowed_types() -> tuple[str, ...]:
	return attachments.allowed_types(
		frappe.db.get_single_value("Assistance Settings", "allowed_attachment_types")
	)


def max_bytes() -> int:
	"""The settings' limit, never above the site's own upload limit."""
	mb = frappe.db.get_single_value("Assistance Settings", "max_attachment_mb") or limits.ATTACHMENT_MB
	return min(int(mb) * limits.MB, get_max_file_size())


def checked_name(name: str | None, content: bytes) -> str:
	"""The file's safe name, or a translated refusal (type, content, size)."""
	try:
		return attachments.check_attachment(name, content, allowed_types(), max_bytes())
	except RuleError as error:
		throw_rule(error, title=frappe._("Invalid File"))


def check_room(doctype: str, name: str) -> None:
	"""Refuse one more file on a record that holds ``limits.ATTACHMENTS_PER_TICKET``."""
	count = frappe.db.count("File", {"attached_to_doctype": doctype, "attached_to_name": name})
	try:
		limits.check_attachment_count(count)
	except RuleError as error:
		throw_rule(error, exc=InputTooLarge, title=frappe._("Too Many Files"))


def attach_private(doctype: str, name: str, file_name: str | None, content: bytes) -> str:
	"""Check the file and attach it, private, to the record; returns its URL."""
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": checked_name(file_name, content),
			"attached_to_doctype": doctype,
			"attached_to_name": name,
			"is_private": 1,
			"content": content,
		}
	)
	file.flags.ignore_permissions = True  # the caller checked that the client owns the record
	file.insert()
	return file.file_url
