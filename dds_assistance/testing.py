"""Test records for the bench tier, made by the app itself.

The app's tests do not rely on ERPNext's test records or on a site prepared by
ERPNext's ``before_tests``: this module makes what they need — ERPNext's basic
masters (only if the site has never run the setup wizard), a company with its
chart of accounts and fiscal year, a 20 % VAT-included tax template, the ticket
Item, clients with portal users — and points Assistance Settings at them.
Every function is idempotent.
"""

import frappe
from frappe.utils import getdate, nowdate

COMPANY = "DDS Test SAS"
ABBR = "DDST"
ITEM = "DDS-TICKET-TEST"
TAX_TEMPLATE = f"TVA 20% incluse - {ABBR}"


def ensure_system_time_zone(zone: str = "Europe/Paris"):
	"""Run the tests as the company runs its site: system time in Paris."""
	if frappe.db.get_single_value("System Settings", "time_zone") != zone:
		frappe.db.set_single_value("System Settings", "time_zone", zone)
		frappe.db.commit()
		frappe.clear_cache()


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
	if frappe.db.exists("Item Group", "All Item Groups") and frappe.db.exists("Warehouse Type", "Transit"):
		return
	from erpnext.setup.setup_wizard.operations.install_fixtures import install

	install(country="France")


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
	for year in range(2024, getdate(nowdate()).year + 5):
		ensure_fiscal_year(year)
	if not frappe.db.exists("Price List", "DDS Tarifs EUR"):
		frappe.get_doc(
			{"doctype": "Price List", "price_list_name": "DDS Tarifs EUR", "currency": "EUR", "selling": 1}
		).insert(ignore_permissions=True)
	return COMPANY


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
		parent = frappe.db.get_value(
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


def ensure_service_item(code: str, name: str) -> str:
	if not frappe.db.exists("Item", code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": code,
				"item_name": name,
				"item_group": "Services",
				"stock_uom": "Nos",
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


def ensure_outgoing_email_account() -> str:
	"""A default outgoing account, so that mails are queued (never sent in tests)."""
	name = "DDS Test Outgoing"
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "outgoing-test@example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"smtp_port": 25,
				"password": "not-used",
			}
		).insert(ignore_permissions=True)
	return name


def ensure_assistance_setup() -> dict:
	"""Company, tax template, item — and Assistance Settings pointing at them."""
	if frappe.flags.in_test:  # the tests run in Paris time and only queue their mails
		ensure_system_time_zone()
		ensure_outgoing_email_account()
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
	if portal_user:
		ensure_portal_user(portal_user, name)
	return name


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


PORTAL_PASSWORD = "Portail-Test-2026"
PORTAL_A = ("Labo Portail Alpha", "C-PA01", "portail.alpha@example.com")
PORTAL_B = ("Labo Portail Beta", "C-PB01", "portail.beta@example.com")


def portal_fixture() -> dict:
	"""Two clients with portal users (password ``PORTAL_PASSWORD``); client A has a
	paid ticket with a remote session awaiting consent and an active Premium plan.
	Idempotent: a second call returns the same records (the session is replaced by a
	fresh one awaiting consent once it has been consented to)."""
	ensure_assistance_setup()
	tech = ensure_staff_user("tech.dds@example.com", ["Assistance Technician"])
	for name, number, email in (PORTAL_A, PORTAL_B):
		ensure_customer(name, number, email)
		user = frappe.get_doc("User", email)
		user.new_password = PORTAL_PASSWORD
		user.language = "fr"
		user.save(ignore_permissions=True)
	customer = PORTAL_A[0]
	ticket = frappe.db.get_value(
		"Assistance Ticket", {"customer": customer, "subject": "Bibliothèque d'implants"}
	)
	if not ticket:
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Bibliothèque d'implants",
				"customer": customer,
				"channel": "Phone",
				"serial_no": "SN-PORTAIL",
				"equipment_reference": "exocad DentalCAD 3.2",
				"description": "La bibliothèque d'implants du fabricant ne se charge plus.",
			}
		).insert(ignore_permissions=True)
		ticket = doc.name
	session = frappe.db.get_value("Remote Session", {"ticket": ticket, "status": "Requested"})
	if not session:
		session = (
			frappe.get_doc(
				{
					"doctype": "Remote Session",
					"ticket": ticket,
					"technician": tech,
					"purpose": "Recharger la bibliothèque d'implants",
					"tool": "RustDesk",
					"requested_minutes": 30,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	subscription = frappe.db.get_value("Premium Subscription", {"customer": customer})
	if not subscription:
		subscription = (
			frappe.get_doc(
				{
					"doctype": "Premium Subscription",
					"customer": customer,
					"start_date": frappe.utils.add_days(nowdate(), -100),
					"item": ensure_plan_item(),
					"annual_price": 1188,
					"licence_valid_until": frappe.utils.add_days(nowdate(), 300),
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	frappe.db.commit()
	return {
		"client_a": PORTAL_A[0],
		"client_b": PORTAL_B[0],
		"user_a": PORTAL_A[2],
		"user_b": PORTAL_B[2],
		"password": PORTAL_PASSWORD,
		"ticket": ticket,
		"session": session,
		"subscription": subscription,
	}


def run_all_jobs() -> dict:
	"""Every scheduled job once, as a worker would (used to run them side by side
	in separate processes). Notifications are sent inline rather than queued."""
	from dds_assistance import tasks

	frappe.flags.in_test = True
	done = {}
	for job in (
		tasks.response_sla_sweep,
		tasks.expire_remote_sessions,
		tasks.process_subscriptions,
		tasks.check_complaints,
		tasks.flag_abusive_clients,
		tasks.purge_closed_ticket_files,
		tasks.extend_holiday_list,
	):
		job()
		frappe.db.commit()
		done[job.__name__] = True
	return done
