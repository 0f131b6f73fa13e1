app_name = "dds_assistance"
app_title = "DDS Assistance"
app_publisher = "3D Dental Store"
app_description = (
	"Paid exocad support for 3D Dental Store: on-demand tickets, Premium subscriptions, "
	"remote sessions, complaints and sanctions, on ERPNext v15"
)
app_email = "support@3ddentalstore.fr"
app_license = "proprietary"

# "frappe/erpnext" (not "erpnext"): install-app resolves it without a network lookup
required_apps = ["frappe/erpnext"]

# E-mail intake on Frappe's own pull: automatic mail, complaints, sender authentication
override_doctype_class = {"Email Account": "dds_assistance.integrations.email_intake.AssistanceEmailAccount"}

# Each controller carries its generated field types
export_python_type_annotations = True

# Install / uninstall
# -------------------
after_install = "dds_assistance.setup.install.after_install"
before_uninstall = "dds_assistance.setup.install.before_uninstall"
after_migrate = "dds_assistance.setup.install.after_migrate"

# Document events
# ---------------
doc_events = {
	"Holiday List": {
		"on_update": "dds_assistance.integrations.holiday_list.on_change",
		"on_trash": "dds_assistance.integrations.holiday_list.on_change",
	},
	# R-TKT-4: payment state follows the invoice; the Factur-X e-invoice of the app's
	# invoices and credit notes (refused before submit when incomplete, attached on submit)
	"Sales Invoice": {
		"on_update": "dds_assistance.integrations.einvoice.drop_copied_facturx",
		"before_submit": "dds_assistance.integrations.einvoice.check_before_submit",
		"on_submit": [
			"dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
			"dds_assistance.integrations.einvoice.attach_on_submit",
		],
		"on_cancel": "dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
		"on_update_after_submit": "dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
	},
	"Payment Entry": {
		"on_submit": "dds_assistance.integrations.sales_invoice.on_payment_entry_change",
		"on_cancel": "dds_assistance.integrations.sales_invoice.on_payment_entry_change",
	},
	"Journal Entry": {
		"on_submit": "dds_assistance.integrations.sales_invoice.on_journal_entry_change",
		"on_cancel": "dds_assistance.integrations.sales_invoice.on_journal_entry_change",
	},
	# the SIREN, SIRET and VAT number of the company and of its clients (Factur-X)
	"Company": {"validate": "dds_assistance.integrations.einvoice.validate_party_identifiers"},
	"Customer": {"validate": "dds_assistance.integrations.einvoice.validate_party_identifiers"},
	# the company's account clients pay into: IBAN and BIC checked (before ERPNext's own check)
	"Bank Account": {
		"before_validate": "dds_assistance.payments.validate_company_bank_account",
	},
	# R-TKT-6, R-TKT-9: e-mail intake and first response
	"Communication": {
		"after_insert": "dds_assistance.integrations.communication.on_communication_change",
		"on_update": "dds_assistance.integrations.communication.on_communication_change",
	},
}

# E-mail templates: how to pay a ticket invoice by transfer (R-TKT-4); the French
# invoice's print format "DDS Facture": what it shows
jinja = {
	"methods": [
		"dds_assistance.payments.dds_transfer_details",
		"dds_assistance.integrations.einvoice.dds_invoice_print",
	]
}

# Permissions (R-TKT-11): clients see only their own records
permission_query_conditions = {
	"Assistance Ticket": "dds_assistance.permissions.ticket_query_conditions",
	"Assistance Equipment": "dds_assistance.permissions.equipment_query_conditions",
	"Premium Subscription": "dds_assistance.permissions.subscription_query_conditions",
	"Remote Session": "dds_assistance.permissions.session_query_conditions",
	"Remote Session Log": "dds_assistance.permissions.session_log_query_conditions",
	"Assistance Tool Installation": "dds_assistance.permissions.tool_query_conditions",
	"Assistance Complaint": "dds_assistance.permissions.complaint_query_conditions",
	"Terms Notice": "dds_assistance.permissions.terms_notice_query_conditions",
}
has_permission = {
	"Assistance Ticket": "dds_assistance.permissions.ticket_has_permission",
	"Assistance Equipment": "dds_assistance.permissions.equipment_has_permission",
	"Premium Subscription": "dds_assistance.permissions.subscription_has_permission",
	"Remote Session": "dds_assistance.permissions.session_has_permission",
	"Remote Session Log": "dds_assistance.permissions.session_log_has_permission",
	"Assistance Tool Installation": "dds_assistance.permissions.tool_has_permission",
	"Assistance Complaint": "dds_assistance.permissions.complaint_has_permission",
	"Terms Notice": "dds_assistance.permissions.terms_notice_has_permission",
	# what the app made for a client (attachments, replies) is never the client's to change
	"File": "dds_assistance.permissions.file_has_permission",
	"Communication": "dds_assistance.permissions.communication_has_permission",
}

# Every request: the arguments of the app's endpoints checked (400, translated),
# website pages without the desk's app list for who cannot open the desk,
# tracebacks hidden from clients; every response: stored files never served as
# pages, SVG, XML or scripts
before_request = [
	"dds_assistance.template_cache.share_compiled_templates",
	"dds_assistance.website_boot.install",
	"dds_assistance.endpoints.check_call",
]
after_request = [
	"dds_assistance.responses.harden_file_download",
	"dds_assistance.responses.hide_tracebacks",
]

# the website's routes matched with a rule map kept per worker (Frappe builds it per request)
website_path_resolver = ["dds_assistance.route_cache.resolve_path"]
# the app's own pages rendered without trying the web forms' routes first
page_renderer = ["dds_assistance.page_renderer.PortalPage"]

# Scheduled tasks
# ---------------
# Each job (``dds_assistance/jobs/``) selects its work from the current state and
# commits per document: running it twice, or twice at once, changes nothing more.
scheduler_events = {
	"cron": {
		"*/5 * * * *": [
			"dds_assistance.jobs.sla.sweep_response_sla",  # R-TKT-9
			"dds_assistance.jobs.sessions.expire_overdue_sessions",  # R-RS-3
			"dds_assistance.jobs.recovery.resume_unfinished_work",  # lost or killed jobs
		],
	},
	"daily": [
		"dds_assistance.jobs.holidays.extend_holiday_list",  # R-TIME-2
		"dds_assistance.jobs.subscriptions.process_all",  # R-SUB-5
		"dds_assistance.jobs.complaints.sweep_complaints",  # R-CPL-2
		"dds_assistance.jobs.abuse.flag_abusive_clients",  # R-SAN-3
		"dds_assistance.jobs.retention.purge_closed_ticket_files",  # R-DATA-1
	],
}


# Customer portal (French): the client's own requests, sessions, plan, complaints, terms
website_route_rules = [
	{"from_route": "/assistance/tickets/<name>", "to_route": "assistance/ticket"},
	{"from_route": "/assistance/sessions/<name>", "to_route": "assistance/session"},
]
portal_menu_items = [
	{"title": "Assistance", "route": "/assistance", "role": "Assistance Client"},
]
