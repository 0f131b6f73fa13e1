"""French e-invoices (Factur-X, EN 16931) of the invoices the app issues.

Which invoices: a Sales Invoice made by the app (an on-demand ticket's, a Premium
term's: ``dds_assistance_ticket`` / ``dds_premium_subscription`` set, or an
amendment of one) and a credit note (ERPNext return) against one.

When: ``before_submit`` describes the invoice as the core's ``einvoice.Invoice``
and refuses the submit — in French, listing every missing or invalid identifier
or figure — before anything is written (milliseconds: what decides whether the
invoice may exist stays in the submit's transaction); an accepted one is marked
"Factur-X pending" (``dds_facturx_pending``) in that same transaction, and
``on_submit`` queues its making once the submit is committed (one RQ job per
invoice, ``jobs.einvoices``). The worker renders the French print format "DDS
Facture" to PDF, makes it PDF/A-3 and embeds the CII XML (``facturx_pdf``),
attaches it to the invoice as a private File ``<invoice>-facturx.pdf``, clears
the mark and sends the client's mail that goes with the invoice — all in one
transaction (``complete_facturx``): run twice, after a crash or by
``jobs.recovery`` (which queues again every invoice still pending), it makes
one Factur-X per invoice, and a rolled-back attempt leaves no file on disk. A
web request never renders a PDF. An amended invoice is submitted anew and gets
its own; a draft never has one.

Who needs a SIREN (the ``dds_siren`` field of Company and Customer; the VAT
number is ERPNext's ``tax_id``): the company always (with its SIRET and VAT
number); a client in France — or whose country is unknown (no address) — its
SIREN (read from its French VAT number when only that is recorded); a client
abroad its VAT number. Nothing of this applies on a site whose fields are not
installed yet (before ``migrate``).
"""

import html
import json
import os

import frappe
from frappe import _
from frappe.utils import escape_html, flt, getdate

from dds_assistance.core import cii_xml, en16931, formats
from dds_assistance.core import subscriptions as core_subscriptions
from dds_assistance.guards.refusals import RuleViolation, throw_rule

SIREN_FIELD = "dds_siren"
SIRET_FIELD = "dds_siret"
VAT_FIELD = "tax_id"  # ERPNext's own, on Company and Customer
TICKET_FIELD = "dds_assistance_ticket"
SUBSCRIPTION_FIELD = "dds_premium_subscription"
TERM_FIELD = "dds_subscription_term"
PRINT_FORMAT = "DDS Facture"
FILE_SUFFIX = "-facturx.pdf"
PENDING_FIELD = "dds_facturx_pending"  # on Sales Invoice: the Factur-X is still to be made
FACTURX_JOB = "dds_assistance.jobs.einvoices.make_facturx"
LANGUAGE = "fr"  # French invoices for French professionals (Code de commerce)
SETTINGS = "Assistance Settings"
ROLE_LABELS = {"seller": "Seller {0}: {1}", "buyer": "Client {0}: {1}"}


class EInvoiceRefused(RuleViolation):
	"""The invoice cannot be issued as a compliant French e-invoice (what is missing
	or invalid is listed)."""


class PartyIdentifierError(RuleViolation):
	"""A SIREN, SIRET or VAT number refused on a Company or a Customer."""


def fr(text: str) -> str:
	"""The French of an English message of the app (the invoice's language)."""
	return _(text, lang=LANGUAGE)


def installed() -> bool:
	"""The SIREN fields and the Factur-X pending mark exist on this site (install and
	migrate make them)."""
	return (
		frappe.get_meta("Customer").has_field(SIREN_FIELD)
		and frappe.get_meta("Company").has_field(SIREN_FIELD)
		and frappe.get_meta("Sales Invoice").has_field(PENDING_FIELD)
	)


# ---------------------------------------------------------------------------- Company, Customer
def validate_party_identifiers(doc, method=None):
	"""``Company.validate`` / ``Customer.validate``: the SIREN and SIRET, when given,
	are valid and kept in their compact form; the VAT number (``tax_id``), when
	given or changed and written as an EU one (two-letter prefix of a member
	state), is valid and matches the SIREN; a French VAT number given alone
	fills the SIREN. Empty values are allowed here: the invoice asks for them."""
	if not doc.meta.has_field(SIREN_FIELD):
		return
	try:
		siren = en16931.check_siren(doc.get(SIREN_FIELD)) if (doc.get(SIREN_FIELD) or "").strip() else None
		doc.set(SIREN_FIELD, siren)
		if (doc.get(SIRET_FIELD) or "").strip():
			doc.set(SIRET_FIELD, en16931.check_siret(doc.get(SIRET_FIELD), siren))
		else:
			doc.set(SIRET_FIELD, None)
		vat = (doc.get(VAT_FIELD) or "").strip()
		if vat and _is_eu_vat(vat) and (doc.is_new() or doc.has_value_changed(VAT_FIELD) or siren):
			vat = en16931.check_vat(vat, siren)
			doc.set(VAT_FIELD, vat)
			if not siren:
				doc.set(SIREN_FIELD, en16931.siren_from_vat(vat))
	except en16931.EInvoiceError as error:
		throw_rule(error, exc=PartyIdentifierError, title=_("Invalid Company Identifier"))


def _is_eu_vat(value: str) -> bool:
	from stdnum.eu.vat import MEMBER_STATES

	prefix = "".join(value.split())[:2].lower()
	return prefix.isalpha() and (prefix in MEMBER_STATES or prefix in ("el", "xi"))


# ---------------------------------------------------------------------------- which invoices
def app_invoice(doc) -> frappe._dict | None:
	"""The app's own invoice behind ``doc`` — itself (or what it amends) for a ticket
	or term invoice, the corrected one for a credit note — with its links; else None."""

	def links(name):
		return frappe.db.get_value(
			"Sales Invoice",
			name,
			["name", "posting_date", "amended_from", TICKET_FIELD, SUBSCRIPTION_FIELD, TERM_FIELD],
			as_dict=True,
		)

	if doc.get("is_return"):
		original = links(doc.return_against) if doc.return_against else None
	else:
		original = frappe._dict(
			name=doc.name,
			posting_date=doc.posting_date,
			amended_from=doc.amended_from,
			**{field: doc.get(field) for field in (TICKET_FIELD, SUBSCRIPTION_FIELD, TERM_FIELD)},
		)
	seen = set()
	current = original
	while current and not (current.get(TICKET_FIELD) or current.get(SUBSCRIPTION_FIELD)):
		# an amendment made on the desk may have lost the links: its ancestor has them
		if not current.amended_from or current.amended_from in seen:
			return None
		seen.add(current.amended_from)
		current = links(current.amended_from)
	if not current:
		return None
	return frappe._dict(
		original,
		**{field: current.get(field) for field in (TICKET_FIELD, SUBSCRIPTION_FIELD, TERM_FIELD)},
	)


def applies(doc) -> bool:
	return doc.doctype == "Sales Invoice" and installed() and app_invoice(doc) is not None


# ---------------------------------------------------------------------------- Sales Invoice -> core
def _country_code(country: str | None) -> str | None:
	code = frappe.get_cached_value("Country", country, "code") if country else None
	return code.upper() if code else None


def _address(name: str | None) -> frappe._dict | None:
	if not name:
		return None
	return frappe.db.get_value(
		"Address",
		name,
		["address_line1", "address_line2", "city", "pincode", "country", "email_id"],
		as_dict=True,
	)


def _company_address(company: str, chosen: str | None) -> frappe._dict | None:
	if chosen:
		return _address(chosen)
	dynamic_link = frappe.qb.DocType("Dynamic Link")
	address = frappe.qb.DocType("Address")
	rows = (
		frappe.qb.from_(address)
		.join(dynamic_link)
		.on(dynamic_link.parent == address.name)
		.select(address.name)
		.where(
			(dynamic_link.parenttype == "Address")
			& (dynamic_link.link_doctype == "Company")
			& (dynamic_link.link_name == company)
			& (address.disabled == 0)
		)
		.orderby(address.is_primary_address, order=frappe.qb.desc)
		.orderby(address.creation)
		.limit(1)
	).run()
	return _address(rows[0][0]) if rows else None


def _party(legal_name, siren, siret, vat, address, fallback_country, email) -> en16931.Party:
	address = address or frappe._dict()
	return en16931.Party(
		legal_name=(legal_name or "").strip(),
		siren=(siren or "").strip() or None,
		siret=(siret or "").strip() or None,
		vat_number=(vat or "").strip() or None,
		address_lines=[line for line in (address.address_line1, address.address_line2) if line],
		postcode=address.pincode or None,
		city=address.city or None,
		country_code=_country_code(address.country) or fallback_country,
		email=(email or address.email_id or "").strip() or None,
	)


def seller_of(doc) -> en16931.Party:
	company = frappe.db.get_value(
		"Company",
		doc.company,
		["company_name", SIREN_FIELD, SIRET_FIELD, VAT_FIELD, "country", "email"],
		as_dict=True,
	)
	email = frappe.db.get_single_value(SETTINGS, "support_email") or company.email
	return _party(
		company.company_name,
		company.get(SIREN_FIELD),
		company.get(SIRET_FIELD),
		company.get(VAT_FIELD),
		_company_address(doc.company, doc.get("company_address")),
		_country_code(company.country) or "FR",
		email,
	)


def buyer_of(doc) -> tuple[en16931.Party, bool]:
	"""The client as the e-invoice names it, and whether its country is known (an
	unknown country is taken as France: its SIREN is then required)."""
	customer = frappe.db.get_value(
		"Customer",
		doc.customer,
		["customer_name", SIREN_FIELD, SIRET_FIELD, VAT_FIELD, "customer_primary_address", "email_id"],
		as_dict=True,
	)
	address = _address(doc.get("customer_address") or customer.customer_primary_address)
	known = bool(address and _country_code(address.country))
	vat = customer.get(VAT_FIELD)
	siren = customer.get(SIREN_FIELD) or en16931.siren_from_vat(vat)
	party = _party(
		doc.customer_name or customer.customer_name,
		siren,
		customer.get(SIRET_FIELD),
		vat,
		address,
		"FR",
		doc.get("contact_email") or customer.email_id,
	)
	return party, known


def _vat_rate(item, taxes) -> float:
	"""The item's VAT rate: the rates of the taxes on the net total (its own item
	tax rate where it has one)."""
	own = json.loads(item.item_tax_rate or "{}") if item.get("item_tax_rate") else {}
	return sum(flt(own.get(tax.account_head, tax.rate)) for tax in taxes if tax.charge_type == "On Net Total")


def _amount(value) -> str:
	return f"{abs(flt(value, 2)):.2f}"


def einvoice_of(doc) -> en16931.Invoice:
	"""The Sales Invoice as the core's e-invoice. A credit note's amounts are
	positive, its type code 381, and it names the invoice it corrects."""
	original = app_invoice(doc) or frappe._dict()
	credit_note = bool(doc.get("is_return"))
	lines = [
		en16931.Line(
			line_id=str(item.idx),
			name=(item.item_name or item.item_code or "").strip(),
			quantity=f"{abs(flt(item.qty)):f}",
			unit_price=f"{abs(flt(item.net_rate, 4)):.4f}",
			net_amount=_amount(item.net_amount),
			vat_rate=f"{_vat_rate(item, doc.taxes):f}",
			item_code=item.item_code,
		)
		for item in doc.items
	]
	buyer, _known = buyer_of(doc)
	invoice = en16931.Invoice(
		number=doc.name,
		issue_date=getdate(doc.posting_date),
		seller=seller_of(doc),
		buyer=buyer,
		lines=lines,
		net_total=_amount(doc.net_total),
		tax_total=_amount(doc.total_taxes_and_charges),
		grand_total=_amount(doc.grand_total),
		type_code=en16931.CREDIT_NOTE if credit_note else en16931.INVOICE,
		currency=doc.currency,
		due_date=getdate(doc.due_date) if doc.due_date else None,
		buyer_reference=original.get(TICKET_FIELD) or original.get(SUBSCRIPTION_FIELD),
		preceding_invoice=doc.return_against if credit_note else None,
		preceding_invoice_date=getdate(original.posting_date) if credit_note and original else None,
		notes=en16931.french_legal_notes(fr),
	)
	if original.get(SUBSCRIPTION_FIELD) and original.get(TERM_FIELD):
		start = frappe.db.get_value("Premium Subscription", original.get(SUBSCRIPTION_FIELD), "start_date")
		if start:
			term = core_subscriptions.term(getdate(start), int(original.get(TERM_FIELD)))
			invoice.period_start, invoice.period_end = term.start, term.end
	account = company_bank_account()
	if account and not credit_note:
		invoice.seller_iban, invoice.seller_bic = account["iban"], account["bic"] or None
	mandate = doc.get("dds_sepa_mandate") if not credit_note else None
	if mandate:  # a renewal debited under the client's SEPA mandate (#29): code 59, BT-89/90/91
		values = frappe.db.get_value("SEPA Mandate", mandate, ["creditor_id", "iban"], as_dict=True) or {}
		invoice.mandate_reference = mandate
		invoice.creditor_id = values.get("creditor_id")
		invoice.debtor_iban = values.get("iban")
	return invoice


def company_bank_account() -> dict | None:
	"""The account clients pay into, when Assistance Settings name one."""
	if not frappe.get_meta(SETTINGS).has_field("bank_account"):
		return None
	from dds_assistance.integrations import payment_means

	return payment_means.company_bank_account()


def problems(doc, invoice: en16931.Invoice | None = None) -> list[en16931.EInvoiceError]:
	"""Everything that keeps ``doc`` from being a compliant e-invoice: the core's
	checks, and a client abroad without its VAT number."""
	invoice = invoice or einvoice_of(doc)
	errors = en16931.validate_invoice(invoice)
	_buyer, known = buyer_of(doc)
	if known and invoice.buyer.country_code != "FR" and not invoice.buyer.vat_number:
		errors.append(en16931.EInvoiceError("missing_vat", role="buyer", party=invoice.buyer.legal_name))
	return errors


def refusal_message(doc, errors: list[en16931.EInvoiceError]) -> str:
	items = []
	for error in errors:
		text = _(error.message).format(
			*[frappe.bold(escape_html(a)) if isinstance(a, str) else a for a in error.args_]
		)
		if error.role in ROLE_LABELS:
			text = _(ROLE_LABELS[error.role]).format(frappe.bold(escape_html(error.party or "-")), text)
		items.append(f"<li>{text}</li>")
	heading = _("The e-invoice of {0} cannot be issued:").format(frappe.bold(doc.name))
	advice = _(
		"Fill in the SIREN, SIRET and VAT number (Tax ID) on the Company and the Customer, then submit again."
	)
	return f"{heading}<ul>{''.join(items)}</ul>{advice}"


# ---------------------------------------------------------------------------- hooks
def check_before_submit(doc, method=None):
	"""``Sales Invoice.before_submit``: an invoice of the app that cannot be a
	compliant e-invoice is not submitted; nothing is written. One that can is
	marked "Factur-X pending", saved with the submit itself."""
	if not applies(doc):
		return
	errors = problems(doc)
	if errors:
		frappe.throw(refusal_message(doc, errors), exc=EInvoiceRefused, title=_("E-invoice Incomplete"))
	doc.set(PENDING_FIELD, 1)


def queue_on_submit(doc, method=None):
	"""``Sales Invoice.on_submit``: the Factur-X PDF is made by a worker once this
	submit is committed (nothing is queued for a submit that is rolled back)."""
	if doc.get(PENDING_FIELD):
		queue_facturx(doc.name)


# Which queue makes an invoice's Factur-X. Bench's workers take their queues in order —
# its short worker "short, default", its long worker "long, default, short" —: a
# ticket's on the default queue, which either takes — its client waits for it to pay
# before any work (R-TKT-4) —; any other (a Premium renewal, a credit note) on the long
# queue, where the daily renewals' burst is made by one worker and leaves the rest of
# the processor to the requests. Measured under load on 2 cores (README, Performance):
# the burst on both workers met its delay, and took the acceptance's p95 from 370 ms
# to 640.
TICKET_FACTURX_QUEUE = "default"
OTHER_FACTURX_QUEUE = "long"


def queue_facturx(invoice: str, after_commit: bool = True):
	"""Queue the making of the invoice's Factur-X, under its one job id, on its queue
	(``TICKET_FACTURX_QUEUE`` for a ticket's invoice, else ``OTHER_FACTURX_QUEUE``)."""
	from dds_assistance.background.runner import enqueue_resumable

	is_ticket = frappe.db.get_value("Sales Invoice", invoice, TICKET_FIELD)
	queue = TICKET_FACTURX_QUEUE if is_ticket else OTHER_FACTURX_QUEUE
	return enqueue_resumable(FACTURX_JOB, queue=queue, after_commit=after_commit, invoice=invoice)


def pending_facturx() -> list[str]:
	"""The submitted invoices whose Factur-X is still to be made, oldest first."""
	if not installed():
		return []
	return frappe.get_all(
		"Sales Invoice",
		filters={PENDING_FIELD: 1, "docstatus": 1},
		order_by="creation asc",
		pluck="name",
	)


def complete_facturx(invoice: str) -> str | None:
	"""The background half of the submit of ``invoice``: its Factur-X PDF made and
	attached, its "pending" mark cleared and the client's mail that goes with the
	invoice sent (``invoice_ready``), in one transaction that the caller commits.
	Idempotent: an invoice no longer pending is left as it is; one that already has
	its File keeps it (and its mail is not sent twice). The PDF is rendered before
	the invoice's row is locked, so a payment is never kept waiting on wkhtmltopdf.
	Returns the File's name (None when there is none)."""
	values = frappe.db.get_value("Sales Invoice", invoice, ["docstatus", PENDING_FIELD], as_dict=True)
	if not values or not values.get(PENDING_FIELD):
		return facturx_file(invoice) if values else None
	doc = frappe.get_doc("Sales Invoice", invoice)
	made = build_facturx(doc) if values.docstatus == 1 and not facturx_file(invoice) else None
	# the row locked and read again: a second run of the same work stops here
	locked = frappe.db.get_value(
		"Sales Invoice", invoice, ["docstatus", PENDING_FIELD], as_dict=True, for_update=True
	)
	if not locked.get(PENDING_FIELD):
		return facturx_file(invoice)
	file = facturx_file(invoice)
	attached = locked.docstatus == 1 and not file
	if attached:
		file = attach_pdf(doc, made or build_facturx(doc))
	elif locked.docstatus != 1:
		doc.add_comment("Info", _("Cancelled before its e-invoice was made: it has none."))
	frappe.db.set_value("Sales Invoice", invoice, PENDING_FIELD, 0, update_modified=False)
	if attached:
		invoice_ready(doc)
	return file


def invoice_ready(doc):
	"""The client's mail that goes with an invoice, once its Factur-X PDF is attached:
	a ticket's acknowledgement with the payment request (R-TKT-4, the Notification "DDS
	Ticket Acknowledged" on the ticket's ``dds_invoice_ready``); a Premium renewal
	debited under a SEPA mandate, its pre-notification (amount and debit date)."""
	from dds_assistance.integrations import sepa_debit

	if doc.get("is_return"):
		return
	sepa_debit.prenotify(doc)
	ticket = doc.get(TICKET_FIELD)
	if not ticket:
		return
	if frappe.db.get_value("Assistance Ticket", ticket, "sales_invoice") == doc.name:
		frappe.get_doc("Assistance Ticket", ticket).run_method("dds_invoice_ready")


def attach_facturx(doc) -> str:
	"""Make the Factur-X PDF of the submitted invoice ``doc`` and attach it (private),
	replacing an older one of the same invoice. Returns the File's name."""
	if doc.docstatus != 1:
		frappe.throw(_("Only a submitted invoice has an e-invoice."), title=_("Not Allowed"))
	made = build_facturx(doc)
	frappe.db.get_value("Sales Invoice", doc.name, "name", for_update=True)  # one maker at a time
	return attach_pdf(doc, made)


def build_facturx(doc):
	"""The Factur-X PDF of ``doc`` (``facturx_pdf.FacturXPdf``): the EN 16931 XML and
	the French print, made PDF/A-3 with the XML embedded. Writes nothing."""
	from dds_assistance.integrations import facturx_pdf

	invoice = einvoice_of(doc)
	try:
		xml = cii_xml.build_cii_xml(invoice)
	except en16931.EInvoiceError as error:
		frappe.throw(refusal_message(doc, error.errors), exc=EInvoiceRefused, title=_("E-invoice Incomplete"))
	return facturx_pdf.build_facturx_pdf(
		printed_pdf(doc),
		xml,
		lang="fr-FR",
		pdf_metadata=facturx_pdf.default_pdf_metadata(xml, fr),
	)


def attach_pdf(doc, made) -> str:
	"""Attach ``made`` (a ``FacturXPdf``) to ``doc`` as its one Factur-X File, in
	this transaction: an older one is removed, and so is a file a killed attempt
	left on disk without its File (else Frappe would name the new one otherwise).
	Frappe deletes the file written here if the transaction is rolled back."""
	if made.warning:
		doc.add_comment("Info", translated_warning(made.warning))
	drop_facturx_files(doc.name)
	remove_orphan_file(doc.name)
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": facturx_file_name(doc.name),
			"attached_to_doctype": doc.doctype,
			"attached_to_name": doc.name,
			"is_private": 1,
			"content": made.pdf,
		}
	)
	file.flags.ignore_permissions = True
	file.insert()
	return file.name


def remove_orphan_file(invoice: str):
	"""Remove the invoice's Factur-X file from disk when no File record points to it
	(what a process killed between writing it and committing leaves)."""
	name = facturx_file_name(invoice)
	path = frappe.get_site_path("private", "files", name)
	if os.path.exists(path) and not frappe.db.exists("File", {"file_url": f"/private/files/{name}"}):
		os.remove(path)


def drop_facturx_files(invoice: str, keep: str | None = None):
	"""Remove the Factur-X PDFs attached to ``invoice`` (but the one named ``keep``)."""
	for name, file_name in frappe.get_all(
		"File",
		filters={
			"attached_to_doctype": "Sales Invoice",
			"attached_to_name": invoice,
			"file_name": ("like", f"%{FILE_SUFFIX}"),
		},
		fields=["name", "file_name"],
		as_list=True,
	):
		if file_name != keep:
			frappe.delete_doc("File", name, ignore_permissions=True, force=True)


def drop_copied_facturx(doc, method=None):
	"""``Sales Invoice.on_update``: an amendment gets Frappe's copies of the amended
	invoice's attachments — not its e-invoice, which names another invoice (the
	amendment gets its own when it is submitted)."""
	if doc.get("amended_from") and doc.flags.in_insert:
		drop_facturx_files(doc.name, keep=facturx_file_name(doc.name))


def translated_warning(warning: str) -> str:
	"""The French of ``facturx_pdf``'s warning (why the PDF is not PDF/A-3)."""
	from dds_assistance.integrations import facturx_pdf

	if warning == facturx_pdf.NO_GHOSTSCRIPT:
		return _(facturx_pdf.NO_GHOSTSCRIPT)
	before, after = facturx_pdf.GHOSTSCRIPT_FAILED.split("{0}")
	if warning.startswith(before) and warning.endswith(after):
		return _(facturx_pdf.GHOSTSCRIPT_FAILED).format(warning[len(before) : len(warning) - len(after)])
	return warning


def facturx_file_name(invoice: str) -> str:
	return f"{invoice}{FILE_SUFFIX}"


PRINT_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>
<style>body {{ font-family: "DejaVu Sans", "Liberation Sans", sans-serif; margin: 0; }}</style>
</head><body>{body}</body></html>"""


def printed_html(doc) -> str:
	"""The invoice printed with the French print format "DDS Facture": a whole page
	that needs nothing from the network (no stylesheet link: wkhtmltopdf would
	fetch it from the site's own address)."""
	from frappe.translate import print_language
	from frappe.www.printview import get_rendered_template

	printable = frappe.get_doc(doc.as_dict())  # printing may set print-only values on the document
	ignore = frappe.flags.ignore_print_permissions
	frappe.flags.ignore_print_permissions = True  # the system prints its own invoice
	try:
		with print_language(LANGUAGE):
			body = get_rendered_template(
				printable, print_format=frappe.get_cached_doc("Print Format", PRINT_FORMAT), no_letterhead=1
			)
	finally:
		frappe.flags.ignore_print_permissions = ignore
	return PRINT_PAGE.format(title=frappe.utils.escape_html(doc.name), body=body)


# wkhtmltopdf waits 200 ms for a page's scripts before printing it, even with scripts
# disabled, as Frappe's get_pdf disables them: two fifths of a Factur-X's time, all
# of it idle. The printed invoice has no script to wait for.
PDF_OPTIONS = {"margin-top": "15mm", "margin-bottom": "15mm", "javascript-delay": "0"}


def printed_pdf(doc) -> bytes:
	"""The printed invoice as PDF (wkhtmltopdf, A4 unless Print Settings say otherwise)."""
	from frappe.utils.pdf import get_pdf

	return get_pdf(printed_html(doc), options=dict(PDF_OPTIONS))


def facturx_pending(invoice: str) -> bool:
	"""The invoice's Factur-X is still being made by a worker."""
	return installed() and bool(frappe.db.get_value("Sales Invoice", invoice, PENDING_FIELD))


def facturx_file(invoice: str) -> str | None:
	"""The File of the invoice's Factur-X PDF, if it has one."""
	return frappe.db.get_value(
		"File",
		{
			"attached_to_doctype": "Sales Invoice",
			"attached_to_name": invoice,
			"file_name": facturx_file_name(invoice),
		},
		"name",
	)


# ---------------------------------------------------------------------------- the print format
def dds_invoice_print(doc) -> dict:
	"""What the print format "DDS Facture" shows (a Jinja method of the app): the
	same facts as the e-invoice's XML, formatted."""
	if getattr(doc, "doctype", None) != "Sales Invoice":
		frappe.throw(_("This print format is for Sales Invoices."), title=_("Not Allowed"))
	invoice = einvoice_of(doc)
	original = app_invoice(doc) or frappe._dict()
	currency = invoice.currency

	def money(value) -> str:
		return formats.money(value, currency, "fr")  # the invoice is French, whatever the site's format

	def day(value) -> str:
		return getdate(value).strftime("%d/%m/%Y") if value else ""

	ticket = None
	if original.get(TICKET_FIELD):
		ticket = frappe.db.get_value(
			"Assistance Ticket", original.get(TICKET_FIELD), ["name", "subject"], as_dict=True
		)
		if ticket:  # stored with its markup escaped; the print format escapes what it shows
			ticket.subject = html.unescape(ticket.subject or "")
	transfer = direct_debit = None
	if invoice.mandate_reference and doc.docstatus == 1:
		from dds_assistance.integrations import sepa_debit

		direct_debit = sepa_debit.direct_debit_of(doc.name)
		if direct_debit:
			direct_debit["creditor_id"] = invoice.creditor_id
	if (
		not invoice.is_credit_note
		and not direct_debit
		and frappe.get_meta(SETTINGS).has_field("bank_account")
	):
		from dds_assistance.integrations import payment_means

		transfer = payment_means.transfer_details(doc.name)
	return {
		"invoice": invoice,
		"credit_note": invoice.is_credit_note,
		"issue_date": day(invoice.issue_date),
		"due_date": day(invoice.due_date),
		"corrected": invoice.preceding_invoice,
		"corrected_date": day(invoice.preceding_invoice_date),
		"ticket": ticket,
		"subscription": original.get(SUBSCRIPTION_FIELD),
		"term": original.get(TERM_FIELD),
		"period_start": day(invoice.period_start),
		"period_end": day(invoice.period_end),
		"lines": [
			{
				"name": line.name,
				"quantity": f"{line.quantity.normalize():f}",
				"unit_price": money(line.unit_price),
				"vat_rate": f"{line.vat_rate.normalize():f}",
				"net_amount": money(line.net_amount),
			}
			for line in invoice.lines
		],
		"vat": [
			{"rate": f"{rate.normalize():f}", "basis": money(basis), "tax": money(tax)}
			for _category, rate, basis, tax in en16931.vat_breakdown(invoice)
		],
		"net_total": money(invoice.net_total),
		"tax_total": money(invoice.tax_total),
		"grand_total": money(invoice.grand_total),
		"notes": [note.content for note in invoice.notes],
		"registration": frappe.db.get_value("Company", doc.company, "registration_details"),
		"transfer": transfer,
		"direct_debit": direct_debit,
	}
