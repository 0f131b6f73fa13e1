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

# Each controller carries its generated field types
export_python_type_annotations = True

# Install / uninstall
# -------------------
after_install = "dds_assistance.setup.install.after_install"
before_uninstall = "dds_assistance.setup.install.before_uninstall"
after_migrate = "dds_assistance.setup.install.after_migrate"

# R-TKT-1: who is covered by Premium (fn(customer, at) -> Iterable[SubscriptionFacts])
assistance_subscription_facts = [
	"dds_assistance.dds_assistance.doctype.premium_subscription.premium_subscription.subscription_facts",
]

# Document events
# ---------------
doc_events = {
	"Holiday List": {
		"on_update": "dds_assistance.integrations.holiday_list.on_change",
		"on_trash": "dds_assistance.integrations.holiday_list.on_change",
	},
	# R-TKT-4: payment state follows the invoice
	"Sales Invoice": {
		"on_submit": "dds_assistance.integrations.sales_invoice.on_sales_invoice_change",
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
	# R-SUB-2: a subscription is brought up to date when saved (first term invoiced)
	"Premium Subscription": {
		"on_update": "dds_assistance.integrations.subscription.on_subscription_update",
	},
	# R-SAN-2: a sanction shows on the client and stops its plans at once
	"Assistance Sanction": {
		"on_update": "dds_assistance.integrations.conduct.on_sanction_update",
	},
	# R-TKT-6, R-TKT-9: e-mail intake and first response
	"Communication": {
		"after_insert": "dds_assistance.integrations.communication.on_communication_change",
		"on_update": "dds_assistance.integrations.communication.on_communication_change",
	},
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
}

# R-SAN-2: is a client suspended? (fn(customer) -> bool)
assistance_is_suspended = ["dds_assistance.lookups.is_suspended"]

# Scheduled tasks
# ---------------
scheduler_events = {
	"cron": {
		"*/5 * * * *": [
			"dds_assistance.tasks.response_sla_sweep",
			"dds_assistance.tasks.expire_remote_sessions",
		],
	},
	"daily": [
		"dds_assistance.tasks.extend_holiday_list",
		"dds_assistance.tasks.process_subscriptions",
		"dds_assistance.tasks.check_complaints",
		"dds_assistance.tasks.flag_abusive_clients",
		"dds_assistance.tasks.purge_closed_ticket_files",
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
