"""How a client pays a ticket invoice (R-TKT-4: paid before any work): by bank
transfer to the company's Bank Account, quoting the invoice number, with an EPC
(SEPA) QR code a banking app scans; online through an ERPNext Payment Request
where the site has a payment gateway.

The bank details come from the Bank Account named in Assistance Settings (its
IBAN, its Bank's BIC, its company's name); the checks and the QR code are the
core's (``core.bank_details``). Reads, except ``online_payment_url``, which makes the
invoice's Payment Request once.
"""

import frappe
from frappe import _
from frappe.utils import flt

from dds_assistance.context.language import dds_money
from dds_assistance.core import bank_details
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.refusals import RuleViolation, throw_rule

SETTINGS = "Assistance Settings"
PAYABLE_REQUEST_STATES = ("Requested", "Initiated", "Partially Paid")


class BankDetailsError(RuleViolation):
	"""An IBAN or a BIC refused (``core.bank_details.check_iban`` / ``check_bic``)."""


# ---------------------------------------------------------------------------- the company's account
def check_bank_details(iban: str | None, bic: str | None = None) -> tuple[str, str]:
	"""(IBAN, BIC) in their compact forms, checked (the BIC against the IBAN's
	country); a French refusal otherwise."""
	try:
		iban = bank_details.check_iban(iban)
		return iban, (bank_details.check_bic(bic, iban) if bic else "")
	except RuleError as error:
		throw_rule(error, exc=BankDetailsError, title=_("Invalid Bank Details"))


def validate_company_bank_account(doc, method=None):
	"""``Bank Account.before_validate``: a company's account has a valid IBAN (kept in
	its compact form) and, when its Bank has a BIC, a BIC of the account's country."""
	if not doc.is_company_account or not (doc.iban or "").strip():
		return
	bic = frappe.db.get_value("Bank", doc.bank, "swift_number") if doc.bank else None
	doc.iban, _bic = check_bank_details(doc.iban, bic)


def company_bank_account() -> dict | None:
	"""The account clients pay into: the Bank Account of Assistance Settings, with
	its holder (the company's name), IBAN and BIC — None when none is set."""
	name = frappe.db.get_single_value(SETTINGS, "bank_account")
	if not name:
		return None
	account = frappe.get_cached_value(
		"Bank Account", name, ["name", "iban", "bank", "company", "account", "disabled"], as_dict=True
	)
	if not account or account.disabled or not account.iban:
		return None
	bic = frappe.get_cached_value("Bank", account.bank, "swift_number") if account.bank else None
	try:  # saved before its checks existed: never shown wrong to a client
		iban = bank_details.check_iban(account.iban)
		bic = bank_details.check_bic(bic, iban) if bic else ""
	except RuleError:
		return None
	holder = frappe.get_cached_value("Company", account.company, "company_name") if account.company else None
	return {
		"bank_account": account.name,
		"gl_account": account.account,
		"company": account.company,
		"beneficiary": holder or frappe.db.get_single_value(SETTINGS, "support_company_name") or "",
		"iban": iban,
		"bic": bic,
	}


def grouped(iban: str) -> str:
	"""An IBAN as people read it: groups of four (FR76 1830 6002 …)."""
	return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# ---------------------------------------------------------------------------- what the client sees
def transfer_details(sales_invoice: str | None) -> dict | None:
	"""How to pay ``sales_invoice`` by transfer — beneficiary, IBAN, BIC, the amount
	outstanding, the reference to quote (the invoice number) and the EPC QR code as
	inline SVG — or None when it has nothing to pay or the company has no account."""
	if not sales_invoice:
		return None
	invoice = frappe.db.get_value(
		"Sales Invoice",
		sales_invoice,
		["name", "docstatus", "outstanding_amount", "currency", "is_return"],
		as_dict=True,
	)
	if not invoice or invoice.docstatus != 1 or invoice.is_return or flt(invoice.outstanding_amount) <= 0:
		return None
	account = company_bank_account()
	if not account:
		return None
	amount = flt(invoice.outstanding_amount, 2)
	details = {
		**account,
		"iban_display": grouped(account["iban"]),
		"amount": amount,
		"currency": invoice.currency,
		"amount_display": dds_money(amount, invoice.currency),
		"reference": invoice.name,
		"qr_payload": None,
		"qr_svg": None,
	}
	if invoice.currency == "EUR":  # a SEPA credit transfer is in euros
		transfer = (account["beneficiary"][:70], account["iban"], account["bic"] or None, f"{amount:.2f}")
		try:
			details["qr_payload"] = bank_details.epc_qr_payload(*transfer, invoice.name)
			details["qr_svg"] = bank_details.epc_qr_svg(*transfer, invoice.name)
		except RuleError:
			frappe.log_error(title=_("Cannot make the payment QR code of {0}").format(invoice.name))
	return details


def dds_transfer_details(sales_invoice: str | None) -> dict | None:
	"""``transfer_details`` for the e-mail templates (a Jinja method of the app)."""
	return transfer_details(sales_invoice)


def online_payment_available() -> bool:
	"""A payment gateway is configured on the site: ERPNext's default Payment
	Gateway Account (the one its Payment Requests use)."""
	return bool(frappe.db.exists("Payment Gateway Account", {"is_default": 1}))


def online_payment_url(sales_invoice: str, email: str | None = None) -> str:
	"""The payment page of ``sales_invoice``'s Payment Request (ERPNext's own
	document, made once, submitted without ERPNext's own e-mail)."""
	from erpnext.accounts.doctype.payment_request.payment_request import make_payment_request

	existing = frappe.get_all(
		"Payment Request",
		filters={
			"reference_doctype": "Sales Invoice",
			"reference_name": sales_invoice,
			"docstatus": 1,
			"status": ("in", PAYABLE_REQUEST_STATES),
		},
		fields=["name", "payment_url"],
		order_by="creation desc",
		limit=1,
	)
	if existing:
		request = frappe.get_doc("Payment Request", existing[0].name)
	else:
		request = make_payment_request(
			dt="Sales Invoice",
			dn=sales_invoice,
			recipient_id=email,
			submit_doc=1,
			mute_email=1,
			return_doc=1,
		)
	if not request.payment_url:
		request.db_set("payment_url", request.get_payment_url())
	return request.payment_url
