"""Fields that only the app's own actions may change — never a direct edit from
the desk, REST, list bulk edit or code (R-TKT-2, R-TKT-4, R-TKT-10, R-RS-4 …).

One guard for every doctype, called first in ``validate``, with three kinds of field:

* ``action``: set by the app alone — empty on a new document unless an action of
  the app made it, then changed only when an action sets ``doc.flags.dds_action``
  (the action has checked its own rule first);
* ``kept``: given when the document is made, then changed only by an action;
* ``frozen``: never changes once it holds a value, action or not.
"""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate

from dds_assistance.guards.refusals import RuleViolation

# what is not content in a child row (its identity and place)
_ROW_NOISE = {"name", "idx", "parent", "parentfield", "parenttype", "doctype", "owner", "creation"}
_ROW_NOISE |= {"modified", "modified_by", "docstatus", "__islocal", "__unsaved"}


NUMBERS = ("Currency", "Float", "Percent", "Int", "Check")


def _value(doc, fieldname: str):
	"""The field's value in one comparable form, whatever its source (a form sends
	"100" and "2026-11-25 10:00", the database gives 100.0 and a datetime)."""
	value = doc.get(fieldname)
	if isinstance(value, list):  # a child table: its rows' content, in order
		return [sorted((k, _plain(row, k)) for k in row.as_dict() if k not in _ROW_NOISE) for row in value]
	return _plain(doc, fieldname)


def _plain(doc, fieldname: str) -> str:
	value = doc.get(fieldname)
	if value is None or value == "":
		return ""
	fieldtype = getattr(doc.meta.get_field(fieldname), "fieldtype", None)
	if fieldtype in NUMBERS:
		return str(flt(value, 6)) if flt(value, 6) else ""
	if fieldtype == "Datetime":
		return str(get_datetime(value))
	if fieldtype == "Date":
		return str(getdate(value))
	return str(value)


def changed_fields(before, doc, fieldnames) -> list[str]:
	"""The fields of ``fieldnames`` whose value differs between ``before`` and ``doc``."""
	return [f for f in fieldnames if _value(before, f) != _value(doc, f)]


def guard_fields(doc, action=(), kept=(), frozen=(), extra=None, exc=RuleViolation, message=None):
	"""Apply the rules above. ``extra(before)`` names further fields whose change
	is refused in the document's current state (e.g. once a session has started).
	Returns the document as it was before this save (None when new)."""
	before = doc.get_doc_before_save()
	if before is None:
		if not doc.flags.dds_action:
			for fieldname in action:
				doc.set(fieldname, [] if isinstance(doc.get(fieldname), list) else None)
		return None
	refused = [f for f in frozen if before.get(f) and _value(before, f) != _value(doc, f)]
	if not doc.flags.dds_action:
		refused += changed_fields(before, doc, [f for f in (*action, *kept) if f not in refused])
		refused += extra(before) if extra else []
	if refused:
		frappe.throw(
			message
			or _("These fields cannot be edited directly: {0}.").format(
				", ".join(_(doc.meta.get_label(f)) for f in dict.fromkeys(refused))
			),
			exc=exc,
			title=_("Not Allowed"),
		)
	return before
