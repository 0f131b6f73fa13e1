"""How the app refuses: its exception classes, and the core's refusals turned into
translated Frappe errors (a 4xx with a French message, never a traceback)."""

import frappe
from frappe import _
from frappe.exceptions import FrappeTypeError

from dds_assistance.core.errors import RuleError


class RuleViolation(frappe.ValidationError):
	"""A business rule refused the change (the message says which)."""


class PaymentRequiredError(RuleViolation):
	"""R-TKT-4: work on an unpaid on-demand ticket."""


class ClientSuspendedError(RuleViolation):
	"""R-SAN-2: the client is suspended."""


class SessionStartRefused(RuleViolation):
	"""R-RS-1, R-RS-6, R-RS-7: a remote session may not start."""


class InvalidArguments(frappe.ValidationError, FrappeTypeError):
	"""A call of an endpoint lacks an argument or gives one of the wrong type (400;
	a type error, as Frappe's own check of a whitelisted function's arguments is)."""

	http_status_code = 400


class InputTooLarge(RuleViolation):
	"""An input past its bound (``core.limits``): the message states the bound (413)."""

	http_status_code = 413


class InvoiceSetupError(frappe.ValidationError):
	"""Assistance Settings lack what an invoice needs."""


class HistoryIsAppendOnly(frappe.PermissionError):
	"""R-RS-4: the connection history cannot be altered."""


# the names the core gives to what a request lacks (R-TKT-8), as people read them
FIELD_LABELS = {
	"customer": "Client",
	"client_number": "Client Number",
	"serial_no": "Serial Number",
	"equipment_reference": "Equipment Reference",
	"description": "Description of the Incident",
	"subject": "Subject",
	"message": "Message",
	"complaint": "Complaint",
}
EXCEPTIONS = {"payment_required": PaymentRequiredError}


def field_label(key: str) -> str:
	return _(FIELD_LABELS.get(key.strip(), key.strip()))


def throw_rule(error: RuleError, exc=None, title: str | None = None):
	"""Raise a core refusal as a translated Frappe error: the English template is
	looked up in the translations, then filled (text arguments translated too)."""
	if error.code == "incomplete":
		args = [", ".join(field_label(key) for key in error.args_[0].split(","))]
	else:
		args = [frappe.bold(_(FIELD_LABELS.get(a, a))) if isinstance(a, str) else a for a in error.args_]
	frappe.throw(
		_(error.message).format(*args),
		exc=exc or EXCEPTIONS.get(error.code, RuleViolation),
		title=title or _("Not Allowed"),
	)
