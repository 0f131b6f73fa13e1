"""Install / uninstall (hooks ``after_install`` and ``before_uninstall``).

Install creates the roles, the French Holiday List (this year and next) and the
default settings; uninstall removes what install added — roles, custom fields,
the Holiday List (unless something else uses it) and the settings.
"""

import json
from pathlib import Path

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from dds_assistance.context.business_calendar import clear_calendar_cache
from dds_assistance.core.business_time import FRENCH_TIME_ZONE, FRENCH_WINDOWS, WEEKDAY_NAMES
from dds_assistance.core.direct_debit_matching import REASONS as DEBIT_REASONS
from dds_assistance.core.transfer_matching import REASONS as MATCH_REASONS
from dds_assistance.integrations.holiday_list import HOLIDAY_LIST_NAME, ensure_holiday_years

DESK_ROLES = ("Assistance Agent", "Assistance Technician", "Assistance Manager")
PORTAL_ROLE = "Assistance Client"
ROLES = {**{role: 1 for role in DESK_ROLES}, PORTAL_ROLE: 0}  # role -> desk access

# Custom fields the app adds to ERPNext doctypes: {doctype: [field, ...]}.
CUSTOM_FIELDS: dict[str, list[dict]] = {
	"Customer": [
		{
			"fieldname": "dds_client_number",
			"fieldtype": "Data",
			"label": "Assistance Client Number",
			"insert_after": "customer_name",
			"unique": 1,
			"no_copy": 1,
			"translatable": 0,
			"description": "The client number a request must quote.",
		},
		{
			"fieldname": "dds_assistance_section",
			"fieldtype": "Section Break",
			"label": "Assistance",
			"insert_after": "dds_client_number",
			"collapsible": 1,
		},
		{
			"fieldname": "dds_suspended",
			"fieldtype": "Check",
			"label": "Assistance Suspended",
			"insert_after": "dds_assistance_section",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
		},
		{
			"fieldname": "dds_suspension_reason",
			"fieldtype": "Small Text",
			"label": "Suspension",
			"insert_after": "dds_suspended",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "dds_suspended",
		},
		{
			"fieldname": "dds_abuse_flag",
			"fieldtype": "Check",
			"label": "Request Rate Flagged for Review",
			"insert_after": "dds_suspension_reason",
			"read_only": 1,
			"no_copy": 1,
			"in_standard_filter": 1,
			"in_list_view": 1,
		},
		{
			"fieldname": "dds_abuse_details",
			"fieldtype": "Data",
			"label": "Request Rate",
			"insert_after": "dds_abuse_flag",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "dds_abuse_flag",
		},
		{
			"fieldname": "dds_retention_agreement",
			"fieldtype": "Check",
			"label": "Client Agreed to Data Retention",
			"insert_after": "dds_abuse_details",
			"description": "Files of closed tickets are kept only with this agreement (e.g. a backup service).",
		},
		{
			"fieldname": "dds_retention_note",
			"fieldtype": "Small Text",
			"label": "Retention Agreement",
			"insert_after": "dds_retention_agreement",
			"depends_on": "dds_retention_agreement",
		},
	],
	"Communication": [
		{
			"fieldname": "dds_intake_note",
			"fieldtype": "Small Text",
			"label": "Assistance Intake",
			"insert_after": "reference_name",
			"read_only": 1,
			"no_copy": 1,
			"description": "Why this mail made no ticket, or what was kept of its attachments.",
		},
	],
	"Sales Invoice": [
		{
			"fieldname": "dds_assistance_ticket",
			"fieldtype": "Link",
			"label": "Assistance Ticket",
			"options": "Assistance Ticket",
			"insert_after": "customer",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"description": "The on-demand ticket this invoice sells.",
		},
		{
			"fieldname": "dds_premium_subscription",
			"fieldtype": "Link",
			"label": "Premium Subscription",
			"options": "Premium Subscription",
			"insert_after": "dds_assistance_ticket",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "dds_subscription_term",
			"fieldtype": "Int",
			"label": "Subscription Term",
			"insert_after": "dds_premium_subscription",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "dds_premium_subscription",
		},
		# SEPA direct debit of a Premium renewal (#29): the mandate, the date told to the
		# client (pre-notification) and when, the batch that asked the bank for it
		{
			"fieldname": "dds_sepa_mandate",
			"fieldtype": "Link",
			"label": "SEPA Mandate",
			"options": "SEPA Mandate",
			"insert_after": "dds_subscription_term",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
			"depends_on": "dds_sepa_mandate",
		},
		{
			"fieldname": "dds_debit_date",
			"fieldtype": "Date",
			"label": "Direct Debit Date",
			"insert_after": "dds_sepa_mandate",
			"read_only": 1,
			"no_copy": 1,
			"depends_on": "dds_sepa_mandate",
		},
		{
			"fieldname": "dds_prenotified_on",
			"fieldtype": "Date",
			"label": "Debit Notified to the Client On",
			"insert_after": "dds_debit_date",
			"read_only": 1,
			"no_copy": 1,
			"allow_on_submit": 1,
			"depends_on": "dds_sepa_mandate",
		},
		{
			"fieldname": "dds_direct_debit_batch",
			"fieldtype": "Link",
			"label": "Direct Debit Batch",
			"options": "Direct Debit Batch",
			"insert_after": "dds_prenotified_on",
			"read_only": 1,
			"no_copy": 1,
			"allow_on_submit": 1,
			"depends_on": "dds_direct_debit_batch",
		},
		{
			"fieldname": "dds_facturx_pending",
			"fieldtype": "Check",
			"label": "E-invoice Being Prepared",
			"insert_after": "dds_direct_debit_batch",
			"read_only": 1,
			"allow_on_submit": 1,
			"no_copy": 1,
			"search_index": 1,
			"depends_on": "dds_facturx_pending",
			"description": "The Factur-X PDF of this invoice is being made in the background: it is attached, and the client mailed, as soon as it is ready.",
		},
	],
}

# R-TKT-4, R-ACC-2: why the import of a bank statement left a transaction to the accountant
CUSTOM_FIELDS["Bank Transaction"] = [
	{
		"fieldname": "dds_match_section",
		"fieldtype": "Section Break",
		"label": "Assistance Matching",
		"insert_after": "transaction_type",
	},
	{
		"fieldname": "dds_match_reason",
		"fieldtype": "Select",
		"label": "Matching Result",
		"options": "\n" + "\n".join((*MATCH_REASONS, *DEBIT_REASONS)),
		"insert_after": "dds_match_section",
		"read_only": 1,
		"allow_on_submit": 1,
		"no_copy": 1,
		"in_standard_filter": 1,
		"description": "What the import of the bank statement decided: matched (paid and reconciled), or why it was left to the accountant.",
	},
	{
		"fieldname": "dds_invoice",
		"fieldtype": "Link",
		"label": "Invoice Referred To",
		"options": "Sales Invoice",
		"insert_after": "dds_match_reason",
		"read_only": 1,
		"allow_on_submit": 1,
		"no_copy": 1,
	},
	{
		"fieldname": "dds_match_column",
		"fieldtype": "Column Break",
		"insert_after": "dds_invoice",
	},
	{
		"fieldname": "dds_match_note",
		"fieldtype": "Small Text",
		"label": "Matching Note",
		"insert_after": "dds_match_column",
		"read_only": 1,
		"allow_on_submit": 1,
		"no_copy": 1,
	},
	{
		"fieldname": "dds_bank_statement",
		"fieldtype": "Link",
		"label": "Bank Statement",
		"options": "Assistance Bank Statement",
		"insert_after": "dds_match_note",
		"read_only": 1,
		"no_copy": 1,
		"search_index": 1,
	},
]


def identifier_fields(siren_description: str) -> list[dict]:
	"""Factur-X: the SIREN and SIRET ERPNext lacks (its Tax ID holds the VAT number)."""
	return [
		{
			"fieldname": "dds_siren",
			"fieldtype": "Data",
			"label": "SIREN",
			"insert_after": "tax_id",
			"translatable": 0,
			"description": siren_description,
		},
		{
			"fieldname": "dds_siret",
			"fieldtype": "Data",
			"label": "SIRET",
			"insert_after": "dds_siren",
			"translatable": 0,
			"description": "Fourteen digits: the establishment invoiced (the SIREN and its five-digit NIC).",
		},
	]


CUSTOM_FIELDS["Company"] = identifier_fields(
	"Nine digits (SIRENE register). The company's e-invoices need it, with its SIRET and its VAT number (Tax ID)."
)
CUSTOM_FIELDS["Customer"] += identifier_fields(
	"Nine digits (SIRENE register). Required to invoice a client in France; a client abroad needs its VAT number (Tax ID)."
)

SETTINGS_DEFAULTS = {
	"time_zone": FRENCH_TIME_ZONE,
	"first_response_hours": 4,
	"request_window_hours": 24,
	"sla_warning_hours": 1,
	"complaint_ack_days": 5,
	"complaint_answer_days": 30,
	"ticket_price": 100,
	"subscription_reminder_days": 15,
	"abuse_threshold": 10,
	"abuse_window_days": 30,
	"retention_days": 30,
	"session_default_minutes": 60,
	"session_max_minutes": 240,
	"portal_writes_per_hour": 30,
	"cgv_reference": "CGV-TICKET-ASSISTANCE-EXO-2023-10",
	"cgu_version": "2026-01-01",
	"support_company_name": "3D Dental Store",
	"support_phone": "02 30 32 24 03",
	"support_email": "support@3ddentalstore.fr",
	"support_address": "75 route de Lyons-la-Forêt, 76000 Rouen",
	"sepa_prenotice_days": 14,
}


def after_install():
	create_roles()
	grant_desk_reading()
	ensure_custom_fields()
	holiday_list = ensure_holiday_years()
	set_default_settings(holiday_list)
	create_terms_versions()
	create_notifications()
	create_email_templates()
	frappe.db.commit()


def after_migrate():
	"""Fields, settings, terms and messages added by later versions arrive on existing sites."""
	grant_desk_reading()
	ensure_custom_fields()
	fill_missing_settings()
	create_terms_versions()
	create_notifications()
	create_email_templates()


# What the back office reads in ERPNext to work a ticket: the client and its contacts
# (the list's client filter, "Set Client"), and the ticket's invoice ("View > Invoice").
DESK_READS = {
	"Customer": DESK_ROLES,
	"Contact": DESK_ROLES,
	"Sales Invoice": ("Assistance Agent", "Assistance Manager"),
}


def grant_desk_reading():
	"""Read (and pick in a link) — never write — for the app's desk roles, as
	Custom DocPerms next to ERPNext's own (Role Permissions Manager shows them)."""
	from frappe.permissions import add_permission, update_permission_property

	for doctype, roles in DESK_READS.items():
		for role in roles:
			if not frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				add_permission(doctype, role, 0, "read")
			update_permission_property(doctype, role, 0, "select", 1, validate=False)
		frappe.clear_cache(doctype=doctype)


def ensure_custom_fields():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def fill_missing_settings():
	"""Settings never set get their default (a stored 0 is a choice, and stays)."""
	stored = dict(frappe.db.sql("select field, value from tabSingles where doctype = 'Assistance Settings'"))
	for fieldname, value in SETTINGS_DEFAULTS.items():
		if stored.get(fieldname) in (None, ""):
			frappe.db.set_single_value("Assistance Settings", fieldname, value)


def create_roles():
	"""Create the roles — or fix them: syncing the doctypes' permissions already
	creates missing roles, with desk access, before this runs."""
	for role, desk_access in ROLES.items():
		if frappe.db.exists("Role", role):
			if frappe.db.get_value("Role", role, "desk_access") != desk_access:
				frappe.db.set_value("Role", role, "desk_access", desk_access)
			continue
		frappe.get_doc(
			{"doctype": "Role", "role_name": role, "desk_access": desk_access, "restrict_to_domain": ""}
		).insert(ignore_permissions=True)


def set_default_settings(holiday_list: str | None):
	settings = frappe.get_single("Assistance Settings")
	for fieldname, value in SETTINGS_DEFAULTS.items():
		if not settings.get(fieldname):
			settings.set(fieldname, value)
	if not settings.holiday_list and holiday_list:
		settings.holiday_list = holiday_list
	if not settings.opening_windows:
		for weekday, start, end in FRENCH_WINDOWS:
			settings.append(
				"opening_windows", {"weekday": WEEKDAY_NAMES[weekday], "start_time": start, "end_time": end}
			)
	settings.flags.ignore_permissions = True
	settings.save()


# R-TERMS-1: the versions in force at install; their text is the company's own
# document, pasted or attached by a manager
TERMS_IN_FORCE = (
	{
		"kind": "CGV",
		"reference": "CGV-TICKET-ASSISTANCE-EXO-2023-10",
		"version_label": "2023-10",
		"publication_date": "2023-10-01",
		"effective_date": None,
	},
	{
		"kind": "CGU",
		"reference": "CGU-SERVICES-ASSISTANCE-3DDS",
		"version_label": "2026-01-01",
		"publication_date": "2026-01-01",
		"effective_date": "2026-01-01",
	},
)


NOTIFICATIONS = Path(__file__).resolve().parent / "notifications"


def create_notifications():
	"""The French Notifications, on by default and editable (ordinary records, not
	standard ones): created when missing, never overwritten once a manager edits them."""
	for path in sorted(NOTIFICATIONS.glob("*.json")):
		values = json.loads(path.read_text(encoding="utf-8"))
		if frappe.db.exists("Notification", values["name"]):
			if frappe.db.get_value("Notification", values["name"], "is_standard"):
				frappe.db.set_value("Notification", values["name"], "is_standard", 0)
			continue
		frappe.get_doc({"doctype": "Notification", **values}).insert(ignore_permissions=True)


EMAIL_TEMPLATES = Path(__file__).resolve().parent / "email_templates"


def create_email_templates():
	"""The acknowledgements of new requests (French, and "<name> (en)" in English): Email
	Templates, editable; created when missing, never overwritten once a manager edits them."""
	for path in sorted(EMAIL_TEMPLATES.glob("*.json")):
		values = json.loads(path.read_text(encoding="utf-8"))
		if not frappe.db.exists("Email Template", values["name"]):
			frappe.get_doc(values).insert(ignore_permissions=True)


def create_terms_versions():
	"""The versions in force when the app is installed: known to the clients
	already, so published (in force) without a notice."""
	for values in TERMS_IN_FORCE:
		name = f"{values['kind']}-{values['version_label']}"
		if not frappe.db.exists("Terms Version", name):
			doc = frappe.get_doc(
				{"doctype": "Terms Version", **values, "published_on": frappe.utils.now_datetime()}
			)
			doc.flags.dds_action = True  # published without informing anyone
			doc.insert(ignore_permissions=True)
		elif not frappe.db.get_value("Terms Version", name, "published_on"):
			frappe.db.set_value("Terms Version", name, "published_on", frappe.utils.now_datetime())


def before_uninstall():
	for path in NOTIFICATIONS.glob("*.json"):
		name = json.loads(path.read_text(encoding="utf-8"))["name"]
		if frappe.db.exists("Notification", name):
			frappe.delete_doc("Notification", name, ignore_permissions=True, force=True)
	for path in EMAIL_TEMPLATES.glob("*.json"):
		name = json.loads(path.read_text(encoding="utf-8"))["name"]
		if frappe.db.exists("Email Template", name):
			frappe.delete_doc("Email Template", name, ignore_permissions=True, force=True)
	delete_custom_fields()
	delete_holiday_list()
	delete_roles()
	frappe.db.delete("Singles", {"doctype": "Assistance Settings"})
	clear_calendar_cache()


def delete_custom_fields():
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
		frappe.clear_cache(doctype=doctype)


def delete_holiday_list():
	"""The app's Holiday List goes unless another document still points to it."""
	if not frappe.db.exists("Holiday List", HOLIDAY_LIST_NAME):
		return
	frappe.db.set_single_value("Assistance Settings", "holiday_list", None)
	try:
		frappe.delete_doc("Holiday List", HOLIDAY_LIST_NAME, ignore_permissions=True)
	except frappe.LinkExistsError:
		print(f"Holiday List {HOLIDAY_LIST_NAME!r} is used elsewhere and was kept.")


def delete_roles():
	for role in ROLES:
		if frappe.db.exists("Role", role):
			frappe.db.delete("Has Role", {"role": role})
			frappe.db.delete("Custom DocPerm", {"role": role})
			frappe.delete_doc("Role", role, ignore_permissions=True, force=True)
