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
	# invoices and credit notes (refused before submit when incomplete; made by a
	# worker once the submit is committed, and the mail that goes with it sent then:
	# a ticket's payment request, a debited renewal's pre-notification)
	"Sales Invoice": {
		"before_validate": "dds_assistance.integrations.sepa_debit.set_debit_terms",
		"on_update": "dds_assistance.integrations.einvoice.drop_copied_facturx",
		"before_submit": "dds_assistance.integrations.einvoice.check_before_submit",
		"on_submit": [
			"dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
			"dds_assistance.integrations.einvoice.queue_on_submit",
		],
		"on_cancel": "dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
		"on_update_after_submit": "dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
	},
	"Payment Entry": {
		"on_submit": "dds_assistance.integrations.sales_invoice.on_payment_entry_change",
		"on_cancel": [
			"dds_assistance.integrations.direct_debit_statement.keep_batch_history",
			"dds_assistance.integrations.sales_invoice.on_payment_entry_change",
		],
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
		"before_validate": "dds_assistance.integrations.payment_means.validate_company_bank_account",
	},
	# R-TKT-4, R-ACC-2: Bank Transactions from ERPNext's own Bank Statement Import (or a
	# bank feed) matched with the open invoices by the same rules as the app's import
	"Bank Transaction": {
		"on_submit": "dds_assistance.integrations.bank_statement.on_bank_transaction_submit"
	},
	# R-TKT-6, R-TKT-9: e-mail intake and first response
	"Communication": {
		"after_insert": "dds_assistance.integrations.communication.on_communication_change",
		"on_update": "dds_assistance.integrations.communication.on_communication_change",
	},
}

# E-mail templates: how to pay a ticket invoice by transfer (R-TKT-4); the French
# invoice's print format "DDS Facture": what it shows; amounts and deadlines as the
# reader writes them ("100,00 €", "lundi 2 mars 2026 à 14:05")
jinja = {
	"methods": [
		"dds_assistance.integrations.payment_means.dds_transfer_details",
		"dds_assistance.integrations.einvoice.dds_invoice_print",
		"dds_assistance.context.language.dds_money",
		"dds_assistance.context.language.dds_date_time",
		"dds_assistance.context.language.dds_date",
	]
}

# Permissions (R-TKT-11): clients see only their own records
permission_query_conditions = {
	"Assistance Ticket": "dds_assistance.guards.permissions.ticket_query_conditions",
	"Assistance Equipment": "dds_assistance.guards.permissions.equipment_query_conditions",
	"Premium Subscription": "dds_assistance.guards.permissions.subscription_query_conditions",
	"Remote Session": "dds_assistance.guards.permissions.session_query_conditions",
	"Remote Session Log": "dds_assistance.guards.permissions.session_log_query_conditions",
	"Assistance Tool Installation": "dds_assistance.guards.permissions.tool_query_conditions",
	"Assistance Complaint": "dds_assistance.guards.permissions.complaint_query_conditions",
	"Terms Notice": "dds_assistance.guards.permissions.terms_notice_query_conditions",
	"SEPA Mandate": "dds_assistance.guards.permissions.mandate_query_conditions",
}
has_permission = {
	"Assistance Ticket": "dds_assistance.guards.permissions.ticket_has_permission",
	"Assistance Equipment": "dds_assistance.guards.permissions.equipment_has_permission",
	"Premium Subscription": "dds_assistance.guards.permissions.subscription_has_permission",
	"Remote Session": "dds_assistance.guards.permissions.session_has_permission",
	"Remote Session Log": "dds_assistance.guards.permissions.session_log_has_permission",
	"Assistance Tool Installation": "dds_assistance.guards.permissions.tool_has_permission",
	"Assistance Complaint": "dds_assistance.guards.permissions.complaint_has_permission",
	"Terms Notice": "dds_assistance.guards.permissions.terms_notice_has_permission",
	"SEPA Mandate": "dds_assistance.guards.permissions.mandate_has_permission",
	# what the app made for a client (attachments, replies) is never the client's to change
	"File": "dds_assistance.guards.permissions.file_has_permission",
	"Communication": "dds_assistance.guards.permissions.communication_has_permission",
}

# Every response: stored files never served as pages, SVG, XML or scripts; no
# traceback to a client of the portal ("try again" while the database is unreachable
# is the reverse proxy's: README, dev/nginx-unavailable.conf)
after_request = [
	"dds_assistance.web.responses.harden_file_download",
	"dds_assistance.web.responses.hide_tracebacks",
]

# the app's own pages rendered without trying the web forms' routes first
page_renderer = ["dds_assistance.web.page_renderer.PortalPage"]

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
		"dds_assistance.jobs.sepa_mandates.refresh_mandate_states",  # #29: 36 months unused
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
