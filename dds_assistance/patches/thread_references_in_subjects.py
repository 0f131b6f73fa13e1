"""The shipped Notifications put the record's reference as "(#NAME)" in their
subjects, so that a client's reply threads onto the record (Frappe matches
"#NAME"). Existing sites get the new subjects — unless a manager edited them."""

import json
from pathlib import Path

import frappe

SHIPPED_BEFORE = {
	"DDS Ticket Acknowledged": "Votre demande {{ doc.name }} est enregistrée : règlement du ticket d'assistance",
	"DDS Complaint Acknowledgement": "Accusé de réception de votre réclamation {{ doc.name }}",
	"DDS First Response At Risk": "Ticket {{ doc.name }} : première réponse attendue avant {{ frappe.utils.format_datetime(doc.response_due) }}",
	"DDS First Response Breached": "Ticket {{ doc.name }} : délai de première réponse dépassé",
	"DDS Remote Session Consent Request": "Autorisez-vous la prise en main à distance {{ doc.name }} ?",
	"DDS Ticket Payment Received": "Paiement reçu pour votre demande {{ doc.name }}",
	"DDS Notice Deadline Reminder": "Votre forfait d'assistance Premium est reconduit le {{ frappe.utils.formatdate(frappe.utils.add_days(doc.current_term_end, 1)) }}",
}


def execute():
	shipped = Path(frappe.get_app_path("dds_assistance", "setup", "notifications"))
	for path in shipped.glob("*.json"):
		values = json.loads(path.read_text(encoding="utf-8"))
		old = SHIPPED_BEFORE.get(values["name"])
		if old and frappe.db.get_value("Notification", values["name"], "subject") == old:
			frappe.db.set_value("Notification", values["name"], "subject", values["subject"])
