"""Background: the Factur-X PDF of an issued invoice (queued by ``Sales
Invoice.on_submit`` once the submit is committed, one job id per invoice; queued
again by ``jobs.recovery`` while the invoice is still marked pending).

One transaction per invoice (``integrations.einvoice.complete_facturx``): the
PDF attached, the mark cleared and the client's mail queued together, or none of
them — a failed or killed attempt leaves the invoice pending for the next one,
and Frappe removes the file a rolled-back attempt wrote. Run twice, it makes one
Factur-X per invoice and mails the client once."""

import frappe

from dds_assistance.background.runner import yield_to_requests
from dds_assistance.context.language import user_language
from dds_assistance.integrations import einvoice


def make_facturx(invoice: str) -> str | None:
	yield_to_requests()
	# the invoice and its XML are French (``einvoice``); a note left on the invoice is
	# in the language of whoever submitted it
	with user_language():
		file = einvoice.complete_facturx(invoice)
		frappe.db.commit()
		return file
