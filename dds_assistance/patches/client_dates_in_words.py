"""The shipped Notifications to clients write their dates in words, as a French
letter does — "du lundi 7 décembre 2026 à 10:00", "le mardi 1er décembre 2026" —
whatever the site's date format: existing sites get the new wording of each text a
manager has not edited."""

import json
from pathlib import Path

import frappe

SHIPPED_BEFORE = {
	"DDS Complaint Acknowledgement": {
		"message": "<p>Bonjour,</p><p>Nous avons bien reçu votre réclamation « {{ doc.subject }} » du {{ frappe.utils.format_datetime(doc.received_at) }} et y apporterons une réponse dans les meilleurs délais (CGU art. 10).</p><p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>",
	},
	"DDS Planned Interruption": {
		"subject": "{{ 'Interruption annulée' if doc.kind == 'Cancellation' else 'Interruption prévue' }} le {{ frappe.utils.formatdate(doc.starts_at) }}",
		"message": "<p>Bonjour,</p>{% if doc.kind == 'Cancellation' %}<p>L'interruption de nos services d'assistance prévue du {{ frappe.utils.format_datetime(doc.starts_at) }} au {{ frappe.utils.format_datetime(doc.ends_at) }} est annulée : le service est assuré normalement.</p>{% else %}<p>Nos services d'assistance seront interrompus du {{ frappe.utils.format_datetime(doc.starts_at) }} au {{ frappe.utils.format_datetime(doc.ends_at) }} (CGU art. 8.2).</p><p>{{ doc.message }}</p><p>Pendant l'interruption, vos demandes restent reçues ; leur délai de prise en charge court à partir de la réouverture.</p>{% endif %}<p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>",
	},
	"DDS Notice Deadline Reminder": {
		"subject": "Votre forfait Premium est reconduit le {{ frappe.utils.formatdate(frappe.utils.add_days(doc.current_term_end, 1)) }} (#{{ doc.name }})",
		"message": "<p>Bonjour,</p><p>Votre forfait d'assistance Premium {{ doc.name }} sera reconduit pour un an le {{ frappe.utils.formatdate(frappe.utils.add_days(doc.current_term_end, 1)) }}. Si vous ne souhaitez pas le reconduire, votre résiliation écrite doit nous parvenir au plus tard le {{ frappe.utils.formatdate(doc.notice_deadline) }} (30 jours avant l'échéance, CGU art. 9.4).</p><p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>",
	},
}


def execute():
	shipped = Path(frappe.get_app_path("dds_assistance", "setup", "notifications"))
	for path in shipped.glob("*.json"):
		values = json.loads(path.read_text(encoding="utf-8"))
		for field, old in SHIPPED_BEFORE.get(values["name"], {}).items():
			if frappe.db.get_value("Notification", values["name"], field) == old:
				frappe.db.set_value("Notification", values["name"], field, values[field])
