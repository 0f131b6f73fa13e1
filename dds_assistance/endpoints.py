"""What every HTTP call of one of the app's endpoints goes through first
(``hooks.before_request``), before Frappe runs it:

- a missing argument, or one of the wrong type, is answered 400 with a translated
  message naming it — never a 500 with a Python traceback (Frappe would raise a
  ``TypeError`` for the first, an untranslated 417 for the second);
- a client of the portal (a website user, or a guest) never receives a Python
  traceback, whatever fails (``responses.hide_tracebacks`` removes what Frappe
  added before this hook could run).

Direct Python calls (jobs, tests, other modules) are not concerned."""

import inspect
import re

import frappe
from frappe import _
from frappe.exceptions import FrappeTypeError
from frappe.utils.typing_validations import transform_parameter_types

from dds_assistance.errors import InvalidArguments

APP_PREFIX = "dds_assistance."
METHOD_PATH = re.compile(r"^/api/(?:v[12]/)?method/([^/]+)/?$")
# how the arguments of the app's endpoints read to the people who send them (translated)
ARGUMENT_LABELS = {
	"accept_terms": "Acceptance of the Terms",
	"answer": "Answer",
	"authorisation": "Technician Authorisation",
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
	"description": "Description",
	"effective_on": "Effective On",
	"equipment": "Equipment",
	"equipment_reference": "Equipment Reference",
	"filedata": "File",
	"filename": "File Name",
	"filters": "Filters",
	"from_date": "From Date",
	"heatmap_year": "Year",
	"incident_at": "Incident At",
	"installation": "Assistance Tool Installation",
	"instruction": "Instruction",
	"instruction_by": "Instruction By",
	"interruption": "Planned Interruption",
	"invoice": "Invoice",
	"message": "Message",
	"method": "Consent Given By",
	"minutes": "Minutes",
	"new_due": "New Due Time",
	"new_scope": "New Scope",
	"no_cache": "No Cache",
	"note": "Note",
	"page_length": "Page Length",
	"purpose": "Purpose",
	"reason": "Reason",
	"received_on": "Received On",
	"sanction": "Assistance Sanction",
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


def check_call():
	"""``before_request``: hide tracebacks from clients; check the arguments of a
	call of one of the app's endpoints."""
	if not is_desk_user():
		frappe.local.flags.disable_traceback = True
	endpoint = called_endpoint()
	if endpoint is not None:
		check_arguments(endpoint, frappe.form_dict)


def is_desk_user(user: str | None = None) -> bool:
	"""A System User (desk) — the only ones who may see a traceback, if the site allows it."""
	user = user or frappe.session.user
	if not user or user == "Guest":
		return False
	return user == "Administrator" or frappe.get_cached_value("User", user, "user_type") == "System User"


def called_endpoint():
	"""The app's whitelisted function this request calls, if any (and if the caller
	may call it at all: otherwise Frappe answers its own 403)."""
	request = frappe.local.request
	match = METHOD_PATH.match(request.path) if request else None
	method = match.group(1) if match else frappe.form_dict.get("cmd")
	if not isinstance(method, str) or not method.startswith(APP_PREFIX):
		return None
	try:
		function = frappe.get_attr(method)
	except Exception:
		return None  # Frappe answers "not found" itself
	if function not in frappe.whitelisted:
		return None
	if frappe.session.user == "Guest" and function not in frappe.guest_methods:
		return None
	return function


def label(argument: str) -> str:
	return _(ARGUMENT_LABELS.get(argument, argument.replace("_", " ").capitalize()))


def check_arguments(function, data) -> None:
	"""Every argument without a default is present; every annotated one has a value
	of its type (Frappe's own conversion: "3" is an int, "abc" is not)."""
	target = inspect.unwrap(function)
	parameters = [
		parameter
		for parameter in inspect.signature(target).parameters.values()
		if parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
	]
	missing = [p.name for p in parameters if p.default is p.empty and data.get(p.name) is None]
	if missing:
		frappe.throw(
			_("Missing value: {0}.").format(", ".join(label(name) for name in missing)),
			exc=InvalidArguments,
			title=_("Incomplete Request"),
		)
	for parameter in parameters:
		if parameter.name not in data or data.get(parameter.name) is None:
			continue
		try:
			transform_parameter_types(target, (), {parameter.name: data.get(parameter.name)})
		except (FrappeTypeError, TypeError, ValueError):
			frappe.throw(
				_("Invalid value for {0}.").format(label(parameter.name)),
				exc=InvalidArguments,
				title=_("Invalid Value"),
			)
