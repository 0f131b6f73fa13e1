"""Fields that only the app's own actions may change (never a direct edit from the
desk, REST or code). Shared by the controllers; imports nothing of the app."""

import frappe
from frappe import _


def changed_fields(before, doc, fieldnames) -> list[str]:
	"""The fields of ``fieldnames`` whose value differs between ``before`` and ``doc``."""
	return [f for f in fieldnames if str(before.get(f) or "") != str(doc.get(f) or "")]


def refuse_direct_edits(doc, changed: list[str], exc=frappe.ValidationError) -> None:
	"""Refuse the save, naming the fields (translated labels)."""
	if changed:
		frappe.throw(
			_("These fields cannot be edited directly: {0}.").format(
				", ".join(_(doc.meta.get_label(f)) for f in changed)
			),
			exc=exc,
			title=_("Not Allowed"),
		)


def guard_action_fields(doc, fieldnames, exc=frappe.ValidationError, extra=None):
	"""On a new document the action fields start empty (returns None); on an
	existing one any direct change to them — or to what ``extra(before)`` names —
	is refused, unless an action of the app set ``doc.flags.dds_action``.
	Returns the document as it was before this save."""
	before = doc.get_doc_before_save()
	if doc.flags.dds_action:
		return before
	if before is None:
		for fieldname in fieldnames:
			doc.set(fieldname, None)
		return None
	refuse_direct_edits(doc, changed_fields(before, doc, fieldnames) + (extra(before) if extra else []), exc)
	return before
