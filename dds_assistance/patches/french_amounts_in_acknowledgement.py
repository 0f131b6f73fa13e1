"""The acknowledgement of an on-demand ticket writes its amounts as French does —
"100,00 €", not "€ 100,00" (the site's currency format): existing sites get the
new message, unless a manager edited it."""

import json
from pathlib import Path

import frappe

NAME = "DDS Ticket Acknowledged"
SHIPPED_BEFORE = "{% set pay = dds_transfer_details(doc.sales_invoice) %}<p>Bonjour,</p><p>Nous avons bien reçu votre demande « {{ doc.subject }} » ({{ doc.name }}). Le ticket d'assistance à la demande est de {{ frappe.utils.fmt_money(doc.tariff_amount, currency='EUR') }} TTC, payable avant toute intervention (CGV art. 4).</p>{% if pay %}<p><strong>Règlement par virement</strong><br>Bénéficiaire : {{ pay.beneficiary }}<br>IBAN : {{ pay.iban_display }}<br>{% if pay.bic %}BIC : {{ pay.bic }}<br>{% endif %}Montant : {{ pay.amount_display }}<br>Référence à indiquer : <strong>{{ pay.reference }}</strong></p><p>Indiquez exactement cette référence et réglez le montant en un seul virement : votre paiement sera reconnu sans délai et votre demande prise en charge.</p>{% endif %}<p>Votre demande, le QR code à scanner avec votre application bancaire et les autres moyens de paiement : <a href=\"{{ frappe.utils.get_url('/assistance/tickets/' + doc.name) }}\">{{ frappe.utils.get_url('/assistance/tickets/' + doc.name) }}</a></p><p>Votre facture : <a href=\"{{ frappe.utils.get_url('/invoices/' + doc.sales_invoice) }}\">{{ doc.sales_invoice }}</a></p><p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>"


def execute():
	path = Path(
		frappe.get_app_path("dds_assistance", "setup", "notifications", "dds_ticket_acknowledged.json")
	)
	message = json.loads(path.read_text(encoding="utf-8"))["message"]
	if frappe.db.get_value("Notification", NAME, "message") == SHIPPED_BEFORE:
		frappe.db.set_value("Notification", NAME, "message", message)
