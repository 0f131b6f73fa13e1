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
