"""The doors of the app: every whitelisted function is declared with :func:`endpoint`
(``@endpoint(methods=["POST"])`` where Frappe's own is ``@endpoint(…)``),
which whitelists it through Frappe and, when it is called over HTTP, checks its
arguments first:

- a missing argument, or one of the wrong type, is answered 400 with a translated
  message naming it — never a 500 with a Python traceback (Frappe would raise a
  ``TypeError`` for the first, an untranslated 417 for the second);
- the values are then converted as Frappe converts them ("3" for an ``int``);
- every argument has a bound (``core.limits.check_argument``: a text its maximum
  length, a list its number of items, a number its range), and one past it is
  answered 413 with a translated message stating the bound.
- a caller who is not a desk user (a client of the portal) is answered in the
  portal's language — theirs, else French — whatever the site's system language.

Direct Python calls (jobs, tests, other modules) are not checked. No traceback
reaches a client of the portal: ``responses.hide_tracebacks`` removes it from any
error answer to someone who is not a desk user."""

import functools
import inspect

import frappe
from frappe import _
from frappe.exceptions import FrappeTypeError
from frappe.utils.typing_validations import transform_parameter_types

from dds_assistance.context.language import use_portal_language
from dds_assistance.core import limits
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.refusals import InputTooLarge, InvalidArguments

# how the arguments of the app's endpoints read to the people who send them (translated)
ARGUMENT_LABELS = {
	"accept_terms": "Acceptance of the Terms",
	"answer": "Answer",
	"accept_mandate": "Acceptance of the Mandate",
	"authorisation": "Technician Authorisation",
	"batch": "Direct Debit Batch",
	"bic": "BIC",
	"channel": "Channel",
	"chart": "Chart",
	"chart_name": "Chart",
	"check_apps_closed": "Sensitive applications closed",
	"check_backup": "Data and critical settings backed up",
	"check_connection": "Stable internet connection",
	"check_reachable": "Client present or reachable",
	"complaint": "Complaint",
	"consented_by": "Consenting Person",
	"customer": "Client",
	"debtor_name": "Account Holder",
	"description": "Description",
	"details": "Details",
	"effective_on": "Effective On",
	"equipment": "Equipment",
	"equipment_reference": "Equipment Reference",
	"filedata": "File",
	"filename": "File Name",
	"filters": "Filters",
	"from_date": "From Date",
	"heatmap_year": "Year",
	"iban": "IBAN",
	"incident_at": "Incident At",
	"installation": "Assistance Tool Installation",
	"instruction": "Instruction",
	"instruction_by": "Instruction By",
	"interruption": "Planned Interruption",
	"invoice": "Invoice",
	"mandate": "SEPA Mandate",
	"message": "Message",
	"method": "Consent Given By",
	"minutes": "Minutes",
	"new_due": "New Due Time",
	"new_scope": "New Scope",
	"no_cache": "No Cache",
	"note": "Note",
	"page_length": "Page Length",
	"place": "Signed At (Place)",
	"purpose": "Purpose",
	"reason": "Reason",
	"received_on": "Received On",
	"sanction": "Assistance Sanction",
	"scheme": "Scheme",
	"serial_no": "Serial Number",
	"session": "Remote Session",
	"start": "Start",
	"statement": "Bank Statement",
	"subject": "Subject",
	"subscription": "Premium Subscription",
	"terms_version": "Terms Version",
	"ticket": "Request",
	"tickets": "Requests",
	"time_interval": "Time Interval",
	"timespan": "Timespan",
	"to_date": "To Date",
	"tool": "Tool",
}


def endpoint(methods: list[str] | None = None, allow_guest: bool = False):
	"""``frappe.whitelist(methods=…, allow_guest=…)`` for a function of the app, its
	arguments checked and converted first — when Frappe would check them: in an HTTP
	request, and in tests."""

	def decorate(function):
		target = inspect.unwrap(function)
		signature = inspect.signature(target)

		@functools.wraps(function)
		def checked(*args, **kwargs):
			if not (getattr(frappe.local, "request", None) or frappe.flags.in_test):
				return function(*args, **kwargs)
			if not is_desk_user():
				frappe.local.flags.disable_traceback = True  # a client never reads a traceback
				if getattr(frappe.local, "request", None):
					use_portal_language()  # and is answered in the portal's language
			given = signature.bind_partial(*args, **kwargs).arguments
			return function(**check_arguments(target, given))

		# Frappe's own check of the annotated types (an untranslated 417) would come
		# before ours: the checked function shows it none, ours converts as it does
		checked.__annotations__ = {}
		return frappe.whitelist(methods=methods, allow_guest=allow_guest)(checked)

	return decorate


def is_desk_user(user: str | None = None) -> bool:
	"""A System User (desk) — the only ones who may see a traceback, if the site allows it."""
	user = user or frappe.session.user
	if not user or user == "Guest":
		return False
	return user == "Administrator" or frappe.get_cached_value("User", user, "user_type") == "System User"


def label(argument: str) -> str:
	return _(ARGUMENT_LABELS.get(argument, argument.replace("_", " ").capitalize()))


def check_arguments(function, data: dict) -> dict:
	"""Every argument without a default is present; every annotated one has a value
	of its type (Frappe's own conversion: "3" is an int, "abc" is not), within its
	bound (``core.limits``). Returns the arguments converted."""
	parameters = [
		parameter
		for parameter in inspect.signature(function).parameters.values()
		if parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
	]
	missing = [p.name for p in parameters if p.default is p.empty and data.get(p.name) is None]
	if missing:
		frappe.throw(
			_("Missing value: {0}.").format(", ".join(label(name) for name in missing)),
			exc=InvalidArguments,
			title=_("Incomplete Request"),
		)
	converted = dict(data)
	for parameter in parameters:
		if parameter.name not in data or data.get(parameter.name) is None:
			continue
		try:
			_args, value = transform_parameter_types(function, (), {parameter.name: data.get(parameter.name)})
		except (FrappeTypeError, TypeError, ValueError):
			frappe.throw(
				_("Invalid value for {0}.").format(label(parameter.name)),
				exc=InvalidArguments,
				title=_("Invalid Value"),
			)
		converted.update(value)
		check_bound(parameter.name, converted.get(parameter.name))
	return converted


def check_bound(name: str, value) -> None:
	"""Refuse an argument past its bound, the bound stated (413)."""
	try:
		limits.check_argument(name, value)
	except RuleError as error:
		frappe.throw(
			_(error.message).format(label(name), *error.args_[1:]),
			exc=InputTooLarge,
			title=_("Too Large"),
		)
