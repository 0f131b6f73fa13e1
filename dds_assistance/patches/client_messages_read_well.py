"""The shipped Notifications to clients write amounts as French does — "100,00 €",
not the site's "€ 100,00" — and dates in words, as a French letter does — "du lundi
7 décembre 2026 à 10:00", "le mardi 1er décembre 2026" — whatever the site's formats:
existing sites get the new wording of each text a manager has not edited."""

import json
from pathlib import Path

import frappe

SHIPPED_BEFORE = {
	"DDS Ticket Acknowledged": {
		"message": "{% set pay = dds_transfer_details(doc.sales_invoice) %}<p>Bonjour,</p><p>Nous avons bien reçu votre demande « {{ doc.subject }} » ({{ doc.name }}). Le ticket d'assistance à la demande est de {{ frappe.utils.fmt_money(doc.tariff_amount, currency='EUR') }} TTC, payable avant toute intervention (CGV art. 4).</p>{% if pay %}<p><strong>Règlement par virement</strong><br>Bénéficiaire : {{ pay.beneficiary }}<br>IBAN : {{ pay.iban_display }}<br>{% if pay.bic %}BIC : {{ pay.bic }}<br>{% endif %}Montant : {{ pay.amount_display }}<br>Référence à indiquer : <strong>{{ pay.reference }}</strong></p><p>Indiquez exactement cette référence et réglez le montant en un seul virement : votre paiement sera reconnu sans délai et votre demande prise en charge.</p>{% endif %}<p>Votre demande, le QR code à scanner avec votre application bancaire et les autres moyens de paiement : <a href=\"{{ frappe.utils.get_url('/assistance/tickets/' + doc.name) }}\">{{ frappe.utils.get_url('/assistance/tickets/' + doc.name) }}</a></p><p>Votre facture : <a href=\"{{ frappe.utils.get_url('/invoices/' + doc.sales_invoice) }}\">{{ doc.sales_invoice }}</a></p><p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>"
	},
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
