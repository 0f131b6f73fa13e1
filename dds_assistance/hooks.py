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

# Document events
# ---------------
doc_events = {
	"Holiday List": {
		"on_update": "dds_assistance.integrations.holiday_list.on_change",
		"on_trash": "dds_assistance.integrations.holiday_list.on_change",
	},
}

# Scheduled tasks
# ---------------
scheduler_events = {
	"daily": [
		"dds_assistance.tasks.extend_holiday_list",
	],
}
