"""The acknowledgement of an on-demand ticket gives the transfer details — the
company's IBAN and BIC, the amount and the reference to quote — and links to the
portal's page of the request (QR code, online payment) instead of ERPNext's invoice
page alone (R-TKT-4). Existing sites get the new message — unless a manager edited it."""

import json
from pathlib import Path

import frappe

NAME = "DDS Ticket Acknowledged"
SHIPPED_BEFORE = "<p>Bonjour,</p><p>Nous avons bien reçu votre demande « {{ doc.subject }} » ({{ doc.name }}). Le ticket d'assistance à la demande est de {{ frappe.utils.fmt_money(doc.tariff_amount, currency='EUR') }} TTC, payable avant toute intervention (CGV art. 4).</p><p>Votre facture : <a href=\"{{ frappe.utils.get_url('/invoices/' + doc.sales_invoice) }}\">{{ doc.sales_invoice }}</a></p><p>L'équipe support de 3D Dental Store<br>02 30 32 24 03 · support@3ddentalstore.fr</p>"


def execute():
	path = Path(
		frappe.get_app_path("dds_assistance", "setup", "notifications", "dds_ticket_acknowledged.json")
	)
	message = json.loads(path.read_text(encoding="utf-8"))["message"]
	if frappe.db.get_value("Notification", NAME, "message") == SHIPPED_BEFORE:
		frappe.db.set_value("Notification", NAME, "message", message)
