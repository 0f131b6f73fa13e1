"""Sample records a site needs to run the app, made by the app itself — shared by
the demo data (``samples.demo``) and the bench tests (``testing.py``).

ERPNext's basic masters (only if the site has never run the setup wizard), a
company with its chart of accounts and fiscal years, a 20 % VAT-included tax
template, the ticket and plan Items, clients with their contacts and portal
users, staff users — and Assistance Settings pointing at them.
Every function is idempotent.
"""

import hashlib

import frappe
from frappe import _
from frappe.utils import getdate, nowdate
from stdnum import luhn

from dds_assistance.core import en16931

COMPANY = "DDS Test SAS"
ABBR = "DDST"
ITEM = "DDS-TICKET-TEST"
TAX_TEMPLATE = f"TVA 20% incluse - {ABBR}"
# the sample company's identifiers (test data: valid numbers of no real company)
COMPANY_SIREN = "812345676"
COMPANY_SIRET = "81234567600017"
COMPANY_VAT = "FR19812345676"
COMPANY_ADDRESS = {
	"address_line1": "75 route de Lyons-la-Forêt",
	"city": "Rouen",
	"pincode": "76000",
	"country": "France",
}


def ensure_system_defaults():
	"""A site that never ran the setup wizard lacks what invoices need (number and
	date formats, country, currency): fill only what is empty."""
	defaults = {
		"language": "fr",
		"number_format": "#.###,##",
		"date_format": "dd-mm-yyyy",
		"country": "France",
		"currency": "EUR",
	}
	for fieldname, value in defaults.items():
		if not frappe.db.get_single_value("System Settings", fieldname):
			frappe.db.set_single_value("System Settings", fieldname, value)
	if not frappe.db.get_default("currency"):
		frappe.db.set_default("currency", "EUR")
	frappe.local.lang = frappe.local.lang or "fr"
	frappe.clear_cache()


def ensure_masters():
	"""ERPNext's basic masters on a site whose setup wizard never ran, made once: in
	English, as ERPNext's fixtures name each other (made in French, a group's French
	name would not be found by the records naming its parent in English)."""
	root_group = frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))})
	if frappe.is_setup_complete() or (root_group and frappe.db.exists("Warehouse Type", "Transit")):
		return
	from erpnext.setup.setup_wizard.operations.install_fixtures import install

	language, frappe.local.lang = frappe.local.lang, "en"
	try:
		install(country="France")
	finally:
		frappe.local.lang = language


def ensure_company() -> str:
	ensure_masters()
	if not frappe.db.exists("Company", COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": COMPANY,
				"abbr": ABBR,
				"default_currency": "EUR",
				"country": "France",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	ensure_company_identity(COMPANY)
	for year in range(2024, getdate(nowdate()).year + 5):
		ensure_fiscal_year(year)
	if not frappe.db.exists("Price List", "DDS Tarifs EUR"):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": "DDS Tarifs EUR", "currency": "EUR", "selling": 1}
		).insert(ignore_permissions=True)
	return COMPANY


def has_identifier_fields(doctype: str) -> bool:
	"""The SIREN / SIRET fields exist (made by install and migrate)."""
	return frappe.get_meta(doctype).has_field("dds_siren")


def ensure_company_identity(company: str):
	"""The sample company's SIREN, SIRET, VAT number and registered office (an
	e-invoice needs them), set where empty."""
	if has_identifier_fields("Company"):
		current = frappe.db.get_value("Company", company, ["dds_siren", "dds_siret", "tax_id"], as_dict=True)
		missing = {
			fieldname: value
			for fieldname, value in (
				("dds_siren", COMPANY_SIREN),
				("dds_siret", COMPANY_SIRET),
				("tax_id", COMPANY_VAT),
			)
			if not current.get(fieldname)
		}
		if missing:
			frappe.db.set_value("Company", company, missing)
	if not frappe.db.exists(
		"Dynamic Link", {"link_doctype": "Company", "link_name": company, "parenttype": "Address"}
	):
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": company,
				"address_type": "Office",
				**COMPANY_ADDRESS,
				"is_your_company_address": 1,
				"is_primary_address": 1,
				"links": [{"link_doctype": "Company", "link_name": company}],
			}
		).insert(ignore_permissions=True)


def sample_siren(seed: str) -> str:
	"""A valid SIREN (nine digits, Luhn key) derived from ``seed``: test data, the
	same for the same seed."""
	digits = str(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))[-8:]
	return digits + luhn.calc_check_digit(digits)


def ensure_fiscal_year(year: int):
	for y in (year,):
		name = str(y)
		if frappe.db.exists("Fiscal Year", name):
			fy = frappe.get_doc("Fiscal Year", name)
			if not any(row.company == COMPANY for row in fy.companies) and fy.companies:
				fy.append("companies", {"company": COMPANY})
				fy.save(ignore_permissions=True)
			continue
		if frappe.db.get_value(
			"Fiscal Year", {"year_start_date": ("<=", f"{y}-06-30"), "year_end_date": (">=", f"{y}-06-30")}
		):
			continue
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": name,
				"year_start_date": f"{y}-01-01",
				"year_end_date": f"{y}-12-31",
			}
		).insert(ignore_permissions=True)


def ensure_tax_template() -> str:
	account = f"TVA collectée - {ABBR}"
	if not frappe.db.exists("Account", account):
		# the chart's tax group ("Duties and Taxes", or its translation when the setup
		# wizard ran in French)
		parent = frappe.db.get_value(
			"Account", {"company": COMPANY, "account_type": "Tax", "is_group": 1}
		) or frappe.db.get_value(
			"Account", {"company": COMPANY, "account_name": "Duties and Taxes", "is_group": 1}
		)
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": "TVA collectée",
				"company": COMPANY,
				"parent_account": parent,
				"account_type": "Tax",
				"tax_rate": 20,
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Sales Taxes and Charges Template", TAX_TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Sales Taxes and Charges Template",
				"title": "TVA 20% incluse",
				"company": COMPANY,
				"taxes": [
					{
						"charge_type": "On Net Total",
						"account_head": account,
						"description": "TVA 20 %",
						"rate": 20,
						"included_in_print_rate": 1,
					}
				],
			}
		).insert(ignore_permissions=True)
	return TAX_TEMPLATE


def item_group(name: str) -> str:
	"""ERPNext's Item Group ``name``, under its translated name when the setup wizard
	ran in another language; the root group otherwise."""
	for candidate in (name, _(name)):
		if frappe.db.exists("Item Group", candidate):
			return candidate
	return frappe.db.get_value("Item Group", {"is_group": 1, "parent_item_group": ("in", ("", None))})


def ensure_service_item(code: str, name: str) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"item_group": item_group("Services"),
				# ERPNext's default unit ("Nos", or its translation)
				"stock_uom": frappe.db.get_single_value("Stock Settings", "stock_uom") or "Nos",
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
			}
		).insert(ignore_permissions=True)
	return code


PLAN_ITEM = "DDS-PREMIUM-TEST"


def ensure_item() -> str:
	return ensure_service_item(ITEM, "Ticket d'assistance exocad (test)")


def ensure_plan_item() -> str:
	return ensure_service_item(PLAN_ITEM, "Assistance Premium exocad - forfait annuel (test)")


def ensure_assistance_setup() -> dict:
	"""Company, tax template, item — and Assistance Settings pointing at them."""
	ensure_system_defaults()
	company = ensure_company()
	template = ensure_tax_template()
	item = ensure_item()
	ensure_plan_item()
	settings = frappe.get_single("Assistance Settings")
	if (settings.company, settings.ticket_item, settings.sales_taxes_template) != (company, item, template):
		settings.company, settings.ticket_item, settings.sales_taxes_template = company, item, template
		settings.ticket_price = settings.ticket_price or 100
		settings.save(ignore_permissions=True)
	frappe.db.commit()
	return {"company": company, "item": item, "tax_template": template}


# the company's current account (test data: a valid IBAN of no real account)
BANK = "Crédit Agricole Normandie-Seine (test)"
BANK_BIC = "AGRIFRPP883"
BANK_IBAN = "FR7618306002149457213680025"
BANK_ACCOUNT_NAME = "Compte courant DDS"


def ensure_bank_account() -> str:
	"""The company's Bank Account clients pay into (its ledger account under the
	company's bank accounts), named in Assistance Settings."""
	company = ensure_company()
	if not frappe.db.exists("Bank", BANK):
		frappe.get_doc({"doctype": "Bank", "bank_name": BANK, "swift_number": BANK_BIC}).insert(
			ignore_permissions=True
		)
	ledger = f"{BANK_ACCOUNT_NAME} - {ABBR}"
	if not frappe.db.exists("Account", ledger):
		parent = frappe.db.get_value(
			"Account", {"company": company, "account_type": "Bank", "is_group": 1}
		) or frappe.db.get_value(
			"Account", {"company": company, "account_name": "Bank Accounts", "is_group": 1}
		)
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": BANK_ACCOUNT_NAME,
				"company": company,
				"parent_account": parent,
				"account_type": "Bank",
				"account_currency": "EUR",
			}
		).insert(ignore_permissions=True)
	name = frappe.db.get_value("Bank Account", {"account": ledger})
	if not name:
		name = (
			frappe.get_doc(
				{
					"doctype": "Bank Account",
					"account_name": BANK_ACCOUNT_NAME,
					"bank": BANK,
					"account": ledger,
					"is_company_account": 1,
					"company": company,
					"iban": BANK_IBAN,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	if frappe.db.get_single_value("Assistance Settings", "bank_account") != name:
		settings = frappe.get_single("Assistance Settings")
		settings.bank_account = name
		settings.save(ignore_permissions=True)
	return name


def ensure_customer(name: str, client_number: str, portal_user: str | None = None) -> str:
	"""A client (Customer) with a client number, a contact, and optionally a portal user."""
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_type": "Company",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0})
				or "All Customer Groups",
				"territory": frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories",
				"dds_client_number": client_number,
			}
		).insert(ignore_permissions=True)
	ensure_customer_identity(name)
	if portal_user:
		ensure_portal_user(portal_user, name)
	return name


def ensure_customer_identity(customer: str):
	"""A French client's SIREN and VAT number (its e-invoices need them), derived
	from its name and set where empty."""
	if not has_identifier_fields("Customer"):
		return
	current = frappe.db.get_value("Customer", customer, ["dds_siren", "tax_id"], as_dict=True)
	siren = current.dds_siren or en16931.siren_from_vat(current.tax_id) or sample_siren(customer)
	missing = {
		fieldname: value
		for fieldname, value in (("dds_siren", siren), ("tax_id", en16931.french_vat_number(siren)))
		if not current.get(fieldname)
	}
	if missing:
		frappe.db.set_value("Customer", customer, missing)


def _insert_user(values: dict):
	"""Test users come by the dozen: Frappe's 60-a-minute sign-up throttle is for
	the public, not for test records."""
	in_import = frappe.flags.in_import
	frappe.flags.in_import = True  # (which also skips field defaults: they are given here)
	try:
		frappe.get_doc({"enabled": 1, "language": "fr", **values}).insert(ignore_permissions=True)
	finally:
		frappe.flags.in_import = in_import


def _enable(email: str):
	if not frappe.db.get_value("User", email, "enabled"):
		frappe.db.set_value("User", email, "enabled", 1)


def ensure_portal_user(email: str, customer: str) -> str:
	if not frappe.db.exists("User", email):
		_insert_user(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Assistance Client"}, {"role": "Customer"}],
			}
		)
	_enable(email)
	ensure_roles(email, ["Assistance Client", "Customer"])
	customer_doc = frappe.get_doc("Customer", customer)
	if not any(row.user == email for row in customer_doc.get("portal_users", [])):
		customer_doc.append("portal_users", {"user": email})
		customer_doc.save(ignore_permissions=True)
	if not frappe.db.get_value("Contact Email", {"email_id": email, "parenttype": "Contact"}):
		frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": email.split("@")[0],
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": customer}],
			}
		).insert(ignore_permissions=True)
	return email


def ensure_staff_user(email: str, roles: list[str]) -> str:
	if not frappe.db.exists("User", email):
		_insert_user(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"roles": [{"role": role} for role in roles],
			}
		)
	_enable(email)
	ensure_roles(email, roles)
	return email


def ensure_roles(email: str, roles: list[str]):
	user = frappe.get_doc("User", email)
	missing = [role for role in roles if role not in {row.role for row in user.roles}]
	if missing:
		user.add_roles(*missing)
