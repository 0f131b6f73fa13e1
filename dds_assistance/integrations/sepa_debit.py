"""SEPA direct debit of the Premium renewals in ERPNext (issue #29).

* **Mandates** (doctype SEPA Mandate): the company's creditor identity as a mandate
  names it (``creditor_facts``: the ICS of Assistance Settings, the company, the
  support address), the text signed, the client's usable mandate, its collections
  read back from the batches.
* **Pre-notification**: a renewal invoice (a Premium term's) of a client with an
  active mandate is debited — ``set_debit_terms`` (``Sales Invoice.before_validate``)
  names the mandate and the debit date (at least the mandate's period, 14 days by
  default, after today, on a TARGET day), which is the invoice's due date;
  ``prenotify`` (once the Factur-X is attached, by the worker) mails the client the amount and the date with the
  invoice and records when. The renewal itself (R-SUB-2/3/5) is unchanged; a client
  without a mandate pays by transfer as before.
* **Collection**: ``invoices_to_collect`` lists what a batch of a date and scheme
  collects, and why the others cannot be (``core.sepa_debit.collection_refusals``);
  ``collection_file`` writes its pain.008.001.02.
"""

import frappe
from frappe import _
from frappe.utils import flt, formatdate, getdate, nowdate

from dds_assistance.context.language import dds_date, dds_money
from dds_assistance.core import sepa_debit as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.refusals import RuleViolation, throw_rule
from dds_assistance.integrations.mail import client_language, mail_client

SETTINGS = "Assistance Settings"
MANDATE = "SEPA Mandate"
BATCH = "Direct Debit Batch"
BATCH_ROW = "Direct Debit Batch Invoice"
SUBSCRIPTION_FIELD = "dds_premium_subscription"
MANDATE_FIELD = "dds_sepa_mandate"
DEBIT_DATE_FIELD = "dds_debit_date"
PRENOTIFIED_FIELD = "dds_prenotified_on"
BATCH_FIELD = "dds_direct_debit_batch"


class DirectDebitRefused(RuleViolation):
	"""Direct-debit data or a collection refused (the message says why)."""


def installed() -> bool:
	return frappe.get_meta("Sales Invoice").has_field(MANDATE_FIELD)


# ---------------------------------------------------------------------------- the creditor
def creditor_facts(required: bool = False) -> dict | None:
	"""The company as a mandate and a collection file name it: creditor identifier
	(ICS, Assistance Settings), name, address, and its account (the settings' Bank
	Account). ``required``: a French refusal when the ICS is missing or invalid."""
	settings = frappe.get_cached_doc(SETTINGS)
	try:
		creditor_id = core.check_creditor_id(frappe.db.get_single_value(SETTINGS, "sepa_creditor_id"))
	except RuleError as error:
		if required:
			throw_rule(error, exc=DirectDebitRefused, title=_("SEPA Direct Debit"))
		return None
	company = settings.company
	name = (
		frappe.get_cached_value("Company", company, "company_name") if company else None
	) or settings.support_company_name
	from dds_assistance.integrations import payment_means

	return {
		"creditor_id": creditor_id,
		"name": name or "",
		"address": settings.support_address or "",
		"account": payment_means.company_bank_account(),
		"prenotice_days": settings.get("sepa_prenotice_days") or core.DEFAULT_PRENOTICE_DAYS,
	}


def render_mandate_text(doc) -> str:
	"""The mandate's French text (``core.sepa_debit.mandate_text``) as plain text."""
	rows = core.mandate_text(
		creditor_name=doc.creditor_name or "",
		creditor_address=" ".join((doc.creditor_address or "").split()),
		creditor_id=doc.creditor_id or "",
		reference=doc.mandate_reference or doc.name or "",
		scheme=doc.scheme,
		debtor_name=doc.debtor_name or "",
		iban=doc.iban or "",
		bic=doc.bic or "",
		prenotice_days=doc.prenotice_days or core.DEFAULT_PRENOTICE_DAYS,
		signed_on=getdate(doc.signed_on) if doc.signed_on else None,
		place=doc.signed_at or "",
	)
	lines = [core.MANDATE_TITLE, ""]
	lines += [f"{label} : {value}" if label else f"\n{value}" for label, value in rows]
	return "\n".join(lines)


def masked(iban: str | None) -> str:
	"""An IBAN as the client is reminded of it: its country and last four characters."""
	iban = (iban or "").replace(" ", "")
	return f"{iban[:4]} •••• {iban[-4:]}" if len(iban) > 8 else iban


# ---------------------------------------------------------------------------- the client's mandate
MANDATE_FIELDS = [
	"name",
	"customer",
	"status",
	"scheme",
	"debtor_name",
	"iban",
	"bic",
	"signed_on",
	"revoked_on",
	"last_collection_on",
	"failures",
	"collections",
	"prenotice_days",
	"collection_stopped",
	"creditor_id",
]


def mandate_facts(row) -> core.MandateFacts:
	return core.MandateFacts(
		reference=row.name,
		scheme=row.scheme,
		signed_on=getdate(row.signed_on) if row.signed_on else None,
		revoked_on=getdate(row.revoked_on) if row.revoked_on else None,
		last_collection_on=getdate(row.last_collection_on) if row.last_collection_on else None,
		failures=row.failures or 0,
		prenotice_days=row.prenotice_days or core.DEFAULT_PRENOTICE_DAYS,
		presented=bool(row.collections),
	)


def usable_mandate(customer: str, day=None) -> frappe._dict | None:
	"""The client's mandate a renewal is debited under: active on ``day`` and its
	automatic collection not stopped."""
	day = getdate(day or nowdate())
	for row in frappe.get_all(
		MANDATE,
		filters={"customer": customer, "status": core.ACTIVE, "collection_stopped": 0},
		fields=MANDATE_FIELDS,
		order_by="signed_on desc, creation desc",
	):
		if core.mandate_status(mandate_facts(row), day) == core.ACTIVE:
			return row
	return None


def collections_of(mandate: str) -> dict:
	"""A mandate's collections, from the rows of the submitted batches: those that
	reached the bank (not rejected), the last collection date, the failures."""
	row = frappe.qb.DocType(BATCH_ROW)
	batch = frappe.qb.DocType(BATCH)
	rows = (
		frappe.qb.from_(row)
		.join(batch)
		.on(row.parent == batch.name)
		.select(row.state, row.return_reason_code, row.return_reason, batch.collection_date)
		.where((row.mandate == mandate) & (batch.docstatus == 1) & (row.parenttype == BATCH))
		.orderby(batch.collection_date)
	).run(as_dict=True)
	presented = [r for r in rows if r.state != core.REJECTED]
	failures = [r for r in rows if r.state in (core.RETURNED, core.REJECTED)]
	reasons = ", ".join(f"{r.return_reason_code or '?'} ({formatdate(r.collection_date)})" for r in failures)
	return {
		"collections": len(presented),
		"last_collection_on": max((r.collection_date for r in presented), default=None),
		"failures": len(failures),
		"stop_reason": _("Two failed collections: {0}.").format(reasons) if failures else None,
	}


# ---------------------------------------------------------------------------- the renewal invoice
def is_renewal_invoice(doc) -> bool:
	return doc.doctype == "Sales Invoice" and bool(doc.get(SUBSCRIPTION_FIELD)) and not doc.get("is_return")


def set_debit_terms(doc, method=None):
	"""``Sales Invoice.before_validate``: a Premium term's invoice of a client with a
	usable mandate is debited under it on a date told at least the mandate's period
	ahead (``core.debit_date``), which is the invoice's due date. A client without
	one pays by transfer, as before."""
	if doc.docstatus == 2 or doc.get("_action") == "update_after_submit":
		return
	if not is_renewal_invoice(doc) or not installed():
		return
	mandate = usable_mandate(doc.customer) if doc.currency in (None, "", "EUR") else None
	if not mandate or not creditor_facts():
		doc.set(MANDATE_FIELD, None)
		doc.set(DEBIT_DATE_FIELD, None)
		return
	posting = getdate(doc.posting_date or nowdate())
	day = core.debit_date(getdate(nowdate()), mandate.prenotice_days or core.DEFAULT_PRENOTICE_DAYS, posting)
	doc.set(MANDATE_FIELD, mandate.name)
	doc.set(DEBIT_DATE_FIELD, day)
	doc.due_date = day
	if doc.get("payment_schedule") and not doc.get("payment_terms_template"):
		doc.set("payment_schedule", [])  # ERPNext makes it again from the due date


def prenotify(doc, method=None):
	"""Once the invoice's Factur-X is attached (``einvoice.invoice_ready``, in the
	worker): the client is told, with the invoice, the amount and the date of the
	debit (EPC rulebooks' pre-notification); when is recorded (nothing is collected
	before ``prenotified_on`` + the mandate's period). Told once."""
	if not installed() or not doc.get(MANDATE_FIELD) or doc.get(PRENOTIFIED_FIELD):
		return
	mandate = frappe.db.get_value(MANDATE, doc.get(MANDATE_FIELD), MANDATE_FIELDS, as_dict=True)
	recipients = send_prenotification(doc, mandate)
	if recipients:
		doc.db_set(PRENOTIFIED_FIELD, getdate(nowdate()), update_modified=False)
		doc.add_comment(
			"Info",
			_("Direct debit of {0} on {1} notified to {2} (mandate {3}).").format(
				dds_money(doc.grand_total, doc.currency),
				formatdate(doc.get(DEBIT_DATE_FIELD)),
				", ".join(recipients),
				mandate.name,
			),
		)


def send_prenotification(doc, mandate) -> list[str]:
	from dds_assistance.context.clients import client_emails
	from dds_assistance.integrations import einvoice

	recipients = client_emails(doc.customer)
	if not recipients:
		return []
	file = einvoice.facturx_file(doc.name)
	with client_language(recipients[0]):
		subject = _("Your Premium renewal invoice {0}: direct debit of {1} on {2}").format(
			doc.name, dds_money(doc.grand_total, doc.currency), dds_date(doc.get(DEBIT_DATE_FIELD))
		)
		message = "".join(
			[
				"<p>{}</p>".format(_("Hello,")),
				"<p>{}</p>".format(
					_(
						"Your Premium assistance plan {0} is renewed. Invoice {1} of {2} will be debited on {3} from the account {4} under the SEPA mandate {5} (creditor identifier {6})."
					).format(
						doc.get(SUBSCRIPTION_FIELD),
						doc.name,
						dds_money(doc.grand_total, doc.currency),
						dds_date(doc.get(DEBIT_DATE_FIELD)),
						masked(mandate.iban),
						mandate.name,
						mandate.creditor_id,
					)
				),
				"<p>{}</p>".format(
					_(
						"Please make sure the account is funded on that date. You may revoke the mandate at any time in your assistance space; the invoice is then to be paid by bank transfer."
					)
				),
				'<p><a href="{0}">{0}</a></p>'.format(frappe.utils.get_url("/assistance/subscription")),
			]
		)
	return mail_client(
		doc,
		subject,
		message,
		recipients=recipients,
		attachments=[{"fid": file}] if file else None,
	)


def direct_debit_of(invoice: str) -> dict | None:
	"""How a debited invoice is paid, as the portal and the print show it: the amount,
	the debit date, the mandate and the account (masked), and where the debit stands —
	None when the invoice is paid by transfer (no mandate, the mandate no longer usable,
	or its debit returned)."""
	if not installed() or not invoice:
		return None
	values = frappe.db.get_value(
		"Sales Invoice",
		invoice,
		[
			"name",
			"docstatus",
			"outstanding_amount",
			"grand_total",
			"currency",
			MANDATE_FIELD,
			DEBIT_DATE_FIELD,
			PRENOTIFIED_FIELD,
			BATCH_FIELD,
		],
		as_dict=True,
	)
	if not values or values.docstatus != 1 or not values.get(MANDATE_FIELD):
		return None
	mandate = frappe.db.get_value(MANDATE, values.get(MANDATE_FIELD), MANDATE_FIELDS, as_dict=True)
	state = None
	if values.get(BATCH_FIELD):
		state = frappe.db.get_value(
			BATCH_ROW, {"parent": values.get(BATCH_FIELD), "sales_invoice": invoice}, "state"
		)
	if state in (core.RETURNED, core.REJECTED):
		return None
	if not state and (
		not mandate
		or core.mandate_status(mandate_facts(mandate), getdate(nowdate())) != core.ACTIVE
		or mandate.collection_stopped
	):
		return None
	return {
		"invoice": invoice,
		"mandate": mandate.name,
		"iban": masked(mandate.iban),
		"debit_date": values.get(DEBIT_DATE_FIELD),
		"debit_date_display": dds_date(values.get(DEBIT_DATE_FIELD)),
		"amount": flt(values.grand_total, 2),
		"amount_display": dds_money(values.grand_total, values.currency),
		"collected": state == core.COLLECTED or flt(values.outstanding_amount) <= 0,
		"prenotified_on": values.get(PRENOTIFIED_FIELD),
	}


# ---------------------------------------------------------------------------- the batch
def invoices_to_collect(company: str, collection_date, scheme: str, batch: str | None = None):
	"""(rows, left out) of a batch of ``collection_date`` and ``scheme``: the debited
	renewal invoices due by then, each with its mandate, amount and sequence type
	(FRST, RCUR); the others, by invoice, with the reasons they cannot be collected
	(translated)."""
	collection_date = getdate(collection_date)
	si = frappe.qb.DocType("Sales Invoice")
	invoices = (
		frappe.qb.from_(si)
		.select(
			si.name,
			si.customer,
			si.outstanding_amount,
			si.currency,
			si[MANDATE_FIELD],
			si[DEBIT_DATE_FIELD],
			si[PRENOTIFIED_FIELD],
			si[BATCH_FIELD],
		)
		.where(
			(si.docstatus == 1)
			& (si.company == company)
			& (si.is_return == 0)
			& si[MANDATE_FIELD].isnotnull()
			& (si[MANDATE_FIELD] != "")
			& (si.outstanding_amount > 0)
			& (si[DEBIT_DATE_FIELD] <= collection_date)
			& (si[BATCH_FIELD].isnull() | (si[BATCH_FIELD] == ""))
		)
		.orderby(si[DEBIT_DATE_FIELD])
		.orderby(si.name)
	).run(as_dict=True)
	mandates = {
		row.name: row
		for row in frappe.get_all(
			MANDATE,
			filters={"name": ("in", list({i[MANDATE_FIELD] for i in invoices}) or [""])},
			fields=MANDATE_FIELDS,
		)
	}
	in_drafts = dict(
		frappe.get_all(
			BATCH_ROW,
			filters={
				"parenttype": BATCH,
				"sales_invoice": ("in", [i.name for i in invoices] or [""]),
				"parent": (
					"in",
					frappe.get_all(BATCH, filters={"docstatus": 0, "name": ("!=", batch or "")}, pluck="name")
					or [""],
				),
			},
			fields=["sales_invoice", "parent"],
			as_list=True,
		)
	)
	rows, left_out = [], {}
	for invoice in invoices:
		mandate = mandates.get(invoice[MANDATE_FIELD])
		facts = mandate_facts(mandate) if mandate else None
		item = core.InvoiceToCollect(
			invoice=invoice.name,
			outstanding=core.bank_details._money(flt(invoice.outstanding_amount, 2)),
			currency=invoice.currency,
			mandate=facts,
			prenotified_on=getdate(invoice[PRENOTIFIED_FIELD]) if invoice[PRENOTIFIED_FIELD] else None,
			debit_date=getdate(invoice[DEBIT_DATE_FIELD]) if invoice[DEBIT_DATE_FIELD] else None,
			in_batch=in_drafts.get(invoice.name),
		)
		refusals = core.collection_refusals(item, collection_date, scheme)
		if refusals:
			left_out[invoice.name] = [_(core.REFUSALS[code]).format(*args) for code, *args in refusals]
			continue
		rows.append(
			{
				"sales_invoice": invoice.name,
				"customer": invoice.customer,
				"mandate": mandate.name,
				"amount": flt(invoice.outstanding_amount, 2),
				"sequence_type": core.sequence_type(facts),
				"end_to_end_id": core.sepa_text(invoice.name, core.MAX_REFERENCE),
			}
		)
	return rows, left_out


def collection_file(batch) -> bytes:
	"""The pain.008.001.02 file of ``batch`` (one scheme, one date), checked against
	the official schema; a French refusal when something is missing or invalid."""
	creditor = creditor_facts(required=True)
	account = frappe.db.get_value("Bank Account", batch.bank_account, ["iban", "bank"], as_dict=True)
	bic = frappe.db.get_value("Bank", account.bank, "swift_number") if account and account.bank else None
	mandates = {
		row.name: row
		for row in frappe.get_all(
			MANDATE,
			filters={"name": ("in", [r.mandate for r in batch.invoices] or [""])},
			fields=MANDATE_FIELDS,
		)
	}
	address = [
		line.strip() for line in (creditor["address"] or "").replace("\n", ",").split(",") if line.strip()
	]
	try:
		return core.build_pain008(
			core.Creditor(
				name=creditor["name"],
				iban=(account or {}).get("iban") or "",
				bic=bic or "",
				creditor_id=creditor["creditor_id"],
				address_lines=tuple(address[:2]),
			),
			getdate(batch.collection_date),
			batch.scheme,
			[
				core.Debit(
					end_to_end_id=row.end_to_end_id,
					amount=core.bank_details._money(flt(row.amount, 2)),
					mandate_reference=row.mandate,
					mandate_signed_on=getdate(mandates[row.mandate].signed_on),
					debtor_name=mandates[row.mandate].debtor_name,
					debtor_iban=mandates[row.mandate].iban,
					debtor_bic=mandates[row.mandate].bic or "",
					sequence_type=row.sequence_type,
					remittance=_("Premium renewal {0}").format(row.sales_invoice),
				)
				for row in batch.invoices
			],
		)
	except RuleError as error:
		throw_rule(error, exc=DirectDebitRefused, title=_("Direct Debit File"))
