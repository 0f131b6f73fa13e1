"""What the bench tests share: the site prepared as the tests expect it, a base
test case, the portal fixture of the browser tests and a run of every job.

The app's tests do not rely on ERPNext's test records or on a site prepared by
ERPNext's ``before_tests``: the records they need come from ``samples``.
"""

import contextlib
import io
import json
import threading

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, get_test_client, now_datetime, nowdate
from frappe.website.page_renderers.template_page import TemplatePage

from dds_assistance.samples import records
from dds_assistance.samples.records import (  # noqa: F401 (the names the tests use)
	ITEM,
	PLAN_ITEM,
	ensure_customer,
	ensure_plan_item,
	ensure_portal_user,
	ensure_staff_user,
)

# the options of ``frappe.enqueue`` (the rest are the job's own arguments)
ENQUEUE_OPTIONS = ("queue", "enqueue_after_commit", "job_id", "deduplicate", "now", "timeout", "at_front")


def job_arguments(queued_call) -> dict:
	"""The job's own arguments in a recorded ``frappe.enqueue`` call."""
	return {k: v for k, v in queued_call.kwargs.items() if k not in ENQUEUE_OPTIONS}


AGENT = "agent.dds@example.com"
MANAGER = "manager.dds@example.com"
TECHNICIAN = "tech.dds@example.com"
STAFF = {
	AGENT: ["Assistance Agent"],
	MANAGER: ["Assistance Manager"],
	TECHNICIAN: ["Assistance Technician"],
}


# ---------------------------------------------------------------------------- the test mail server
MAIL_HOST = "127.0.0.1"
MAIL_DOMAIN = "assistance.test"
SUPPORT_ADDRESS = f"support@{MAIL_DOMAIN}"
COMPLAINTS_ADDRESS = f"reclamations@{MAIL_DOMAIN}"
MAIL_SERVER_ID = f"mail.{MAIL_DOMAIN}"  # what it writes in its Authentication-Results
SUPPORT_ACCOUNT, COMPLAINTS_ACCOUNT = "DDS Support", "DDS Réclamations"


def ensure_system_time_zone(zone: str = "Europe/Paris"):
	"""Run the tests as the company runs its site: system time in Paris."""
	if frappe.db.get_single_value("System Settings", "time_zone") != zone:
		frappe.db.set_single_value("System Settings", "time_zone", zone)
		frappe.db.commit()
		frappe.clear_cache()


def ensure_outgoing_email_account() -> str:
	"""A default outgoing account, so that mails are queued. Tests do not flush the
	queue; where it is flushed, it goes to the test mail server on loopback (port 25,
	no authentication: ``dev/mail-server``), which keeps every message in a mailbox."""
	name = "DDS Test Outgoing"
	values = {
		"email_id": "outgoing-test@example.com",
		"enable_outgoing": 1,
		"default_outgoing": 1,
		"smtp_server": MAIL_HOST,
		"smtp_port": 25,
		"no_smtp_authentication": 1,
	}
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc({"doctype": "Email Account", "email_account_name": name, **values}).insert(
			ignore_permissions=True
		)
	else:
		doc = frappe.get_doc("Email Account", name)
		if any(str(doc.get(key)) != str(value) for key, value in values.items()):
			doc.update(values)
			doc.save(ignore_permissions=True)
	# no authentication on port 25: no password either (Frappe would try to log in with one)
	frappe.db.delete("__Auth", {"doctype": "Email Account", "name": name, "fieldname": "password"})
	return name


def ensure_mail_accounts(password: str = "dds-mail-test", host: str = MAIL_HOST) -> dict:
	"""Point the site at the test mail server of ``dev/mail-server``: the support
	mailbox appending to Assistance Ticket (IMAP in, SMTP submission out), the
	complaints mailbox appending to Assistance Complaint, and the settings that name
	them. Idempotent."""
	for name, address, doctype in (
		(SUPPORT_ACCOUNT, SUPPORT_ADDRESS, "Assistance Ticket"),
		(COMPLAINTS_ACCOUNT, COMPLAINTS_ADDRESS, "Assistance Complaint"),
	):
		doc = frappe.get_doc("Email Account", name) if frappe.db.exists("Email Account", name) else None
		doc = doc or frappe.new_doc("Email Account")
		doc.update(
			{
				"email_account_name": name,
				"email_id": address,
				"login_id": address,
				"password": password,
				"enable_incoming": 1,
				"use_imap": 1,
				"email_server": host,
				"incoming_port": 143,
				"use_ssl": 0,
				"use_starttls": 0,
				"email_sync_option": "UNSEEN",
				"initial_sync_count": "250",
				"append_to": doctype,
				"create_contact": 0,
				"enable_outgoing": 1,
				"smtp_server": host,
				"smtp_port": 587,
				"use_tls": 0,
				"use_ssl_for_outgoing": 0,
				"no_smtp_authentication": 0,
				"always_use_account_email_id_as_sender": 1,
			}
		)
		doc.set("imap_folder", [{"folder_name": "INBOX", "append_to": doctype}])
		doc.flags.ignore_permissions = True
		doc.save()
	settings = frappe.get_single("Assistance Settings")
	settings.trusted_mail_server = MAIL_SERVER_ID
	settings.complaint_email = COMPLAINTS_ADDRESS
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.db.commit()
	return {
		"support": SUPPORT_ADDRESS,
		"complaints": COMPLAINTS_ADDRESS,
		"trusted_mail_server": MAIL_SERVER_ID,
	}


def ensure_assistance_setup() -> dict:
	"""The site as the tests expect it: Paris time, mails only queued, the sample
	company, tax template and items in Assistance Settings."""
	ensure_system_time_zone()
	ensure_outgoing_email_account()
	return records.ensure_assistance_setup()


# real files of the types clients send (R-TKT-8: their content is checked)
SAMPLE_STL = b"solid crown\n facet normal 0 0 1\n  outer loop\n  endloop\n endfacet\nendsolid crown\n"
SAMPLE_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24

DESCRIPTION = "exocad ne démarre plus après la mise à jour du pilote graphique, écran noir."


def make_ticket(customer: str, **values):
	"""A complete phone request of the client, received now."""
	doc = frappe.get_doc(
		{
			"doctype": "Assistance Ticket",
			"subject": "Écran noir",
			"customer": customer,
			"channel": "Phone",
			"serial_no": "SN-K",
			"equipment_reference": "exocad",
			"description": DESCRIPTION,
		}
	)
	doc.update(values)
	return doc.insert()


def suspend(customer: str, **values):
	"""A manager suspends the client since yesterday (R-SAN-2)."""
	frappe.set_user(MANAGER)
	try:
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Sanction",
				"customer": customer,
				"breach": "Disrespectful behaviour",
				"sanction": "Suspension",
				"serious": 1,
				"facts": "Propos injurieux envers un technicien au téléphone le 20/11.",
				"effective_from": add_days(now_datetime(), -1),
			}
		)
		doc.update(values)
		return doc.insert()
	finally:
		frappe.set_user("Administrator")


class AssistanceTestCase(FrappeTestCase):
	"""The site prepared and the tests' staff made once per class; every test
	starts and ends as Administrator."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		ensure_assistance_setup()
		for email, roles in STAFF.items():
			ensure_staff_user(email, roles)
		frappe.db.commit()

	# a class that names a prefix gets a client of its own for each test (jobs
	# commit, so tests do not share clients whose state they change)
	client_prefix: str | None = None

	def setUp(self):
		frappe.set_user("Administrator")
		if self.client_prefix:
			self.customer, self.user = self.new_client(self.client_prefix)

	def tearDown(self):
		frappe.set_user("Administrator")

	def ticket(self, **values):
		"""A complete request of this test's client (or of ``customer=``)."""
		return make_ticket(**{"customer": getattr(self, "customer", None), **values})

	def new_client(self, prefix: str = "Labo") -> tuple[str, str]:
		"""A client of its own for one test (jobs commit, so tests do not share
		clients whose state they change): (Customer, portal user)."""
		tag = frappe.generate_hash(length=8)
		user = f"client.{tag}@example.com"
		return ensure_customer(f"{prefix} {tag}", f"C-{tag.upper()}", user), user


PORTAL_PASSWORD = "Portail-Test-2026"
PORTAL_A = ("Labo Portail Alpha", "C-PA01", "portail.alpha@example.com")
PORTAL_B = ("Labo Portail Beta", "C-PB01", "portail.beta@example.com")


def portal_fixture() -> dict:
	"""Two clients with portal users (password ``PORTAL_PASSWORD``); client A has a
	paid ticket with a remote session awaiting consent and an active Premium plan.
	Idempotent: a second call returns the same records (the session is replaced by a
	fresh one awaiting consent once it has been consented to)."""
	ensure_assistance_setup()
	tech = ensure_staff_user(TECHNICIAN, STAFF[TECHNICIAN])
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
	# a page attached to the ticket as if an e-mail had brought it: served only as a download
	page_url = frappe.db.get_value(
		"File", {"attached_to_name": ticket, "file_name": ("like", "page-jointe%.shtml")}, "file_url"
	)
	if not page_url:
		page = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": "page-jointe.shtml",
				"attached_to_doctype": "Assistance Ticket",
				"attached_to_name": ticket,
				"is_private": 1,
				"content": b"<html><script>document.title='pwned'</script></html>",
			}
		)
		page.flags.ignore_permissions = True
		page_url = page.insert().file_url
	# client B's on-demand request, accepted and not paid: the page says how to pay
	records.ensure_bank_account()
	unpaid = frappe.db.get_value(
		"Assistance Ticket",
		{"customer": PORTAL_B[0], "subject": "Paiement par virement", "status": "Awaiting Payment"},
	)
	if not unpaid:
		doc = make_ticket(PORTAL_B[0], subject="Paiement par virement")
		doc.accept()
		unpaid = doc.name
	frappe.db.commit()
	return {
		"unpaid_ticket": unpaid,
		"unpaid_invoice": frappe.db.get_value("Assistance Ticket", unpaid, "sales_invoice"),
		"page_url": page_url,
		"client_a": PORTAL_A[0],
		"client_b": PORTAL_B[0],
		"user_a": PORTAL_A[2],
		"user_b": PORTAL_B[2],
		"password": PORTAL_PASSWORD,
		"ticket": ticket,
		"session": session,
		"subscription": subscription,
	}


PORTAL_C = ("Labo Portail Gamma", "C-PG01", "portail.gamma@example.com")


def portal_language_fixture() -> dict:
	"""A client whose portal user chose no language (the portal speaks French to them,
	whatever the site's language), with a fresh incomplete e-mail request to complete
	on its page; client A's request, which is not theirs."""
	ensure_assistance_setup()
	portal_fixture()
	name, number, email = PORTAL_C
	ensure_customer(name, number, email)
	user = frappe.get_doc("User", email)
	user.new_password = PORTAL_PASSWORD
	user.language = ""
	user.save(ignore_permissions=True)
	incomplete = make_ticket(
		name,
		subject=f"Sans numéro de série {frappe.generate_hash(length=6)}",
		channel="E-mail",
		raised_by=email,
		serial_no=None,
		equipment_reference=None,
	)
	frappe.db.commit()
	return {
		"user": email,
		"password": PORTAL_PASSWORD,
		"incomplete_ticket": incomplete.name,
		"other_clients_ticket": frappe.db.get_value("Assistance Ticket", {"customer": PORTAL_A[0]}),
		"site_language": frappe.db.get_single_value("System Settings", "language"),
	}


def render_portal_page(page: str, name: str | None = None) -> str:
	"""A portal page as the session user sees it, rendered by Frappe's own page renderer."""
	frappe.form_dict.name = name
	return TemplatePage(f"assistance/{page}", 200).render().get_data(as_text=True)


class WebClient:
	"""The site's own WSGI application (``frappe.app.application``) called as a
	server calls it: each request in a thread of its own, so with its own request
	context and database connection (it sees what the test committed), and the
	session cookie kept between calls. ``login`` as any user with a password."""

	def __init__(self, user: str | None = None, password: str = PORTAL_PASSWORD):
		self.site = frappe.local.site
		self.client = get_test_client()
		self.csrf_token = None
		if user:
			self.login(user, password)

	def open(self, path: str, method: str = "POST", headers: dict | None = None, **kwargs):
		headers = {"X-Frappe-Site-Name": self.site, "Accept": "application/json", **(headers or {})}
		if self.csrf_token:
			headers["X-Frappe-CSRF-Token"] = self.csrf_token
		answer = {}

		def run():
			# Frappe prints the tracebacks it sends to desk users: kept out of the test output
			with contextlib.redirect_stdout(io.StringIO()):
				answer["response"] = self.client.open(path, method=method, headers=headers, **kwargs)

		thread = threading.Thread(target=run)
		thread.start()
		thread.join()
		return answer["response"]

	def login(self, user: str, password: str):
		response = self.open("/api/method/login", data={"usr": user, "pwd": password})
		assert response.status_code == 200, response.get_data(as_text=True)[:300]
		return response

	def call(self, endpoint: str, http_method: str = "POST", /, **arguments):
		"""``/api/method/<endpoint>`` with the arguments as JSON (POST) or a query string (GET)."""
		if http_method == "GET":
			return self.open(f"/api/method/{endpoint}", method="GET", query_string=arguments)
		return self.open(f"/api/method/{endpoint}", method=http_method, json=arguments)

	@staticmethod
	def messages(response) -> list[str]:
		"""The messages (``_server_messages``) of a JSON answer."""
		data = response.get_json(silent=True) or {}
		return [json.loads(m).get("message", "") for m in json.loads(data.get("_server_messages") or "[]")]


def issue_einvoices(*invoices: str) -> list:
	"""What the worker does for these submitted invoices (``jobs.einvoices``): the
	Factur-X PDF made and attached, the client's mail queued — committed, as the
	worker commits. Returns the Files."""
	from dds_assistance.jobs.einvoices import make_facturx

	return [make_facturx(name) for name in invoices]


def run_all_jobs() -> dict:
	"""Every scheduled job of the hooks once, as a worker would (used to run them
	side by side in separate processes). Notifications are sent inline."""
	frappe.flags.in_test = True
	done = {}
	for method in scheduled_jobs():
		frappe.get_attr(method)()
		frappe.db.commit()
		done[method] = True
	return done


def scheduled_jobs() -> list[str]:
	"""The app's scheduled jobs, as ``hooks.scheduler_events`` names them."""
	events = frappe.get_hooks("scheduler_events", app_name="dds_assistance")
	methods = [m for jobs in events.get("cron", {}).values() for m in jobs]
	return methods + [m for kind, jobs in events.items() if kind != "cron" for m in jobs]


DESK_PASSWORD = "Bureau-Test-2026"
ACCOUNTANT = "compta.dds@example.com"
DESK_STAFF = {**STAFF, ACCOUNTANT: ["Accounts User"]}


def desk_fixture() -> dict:
	"""The desk's browser tests: the staff with a password and French as language
	(the technician authorised), and for each run fresh records — a new on-demand
	request, an on-demand request awaiting payment, a late request, a Premium
	request open for a remote session (its client has replied), a client to sanction,
	a draft terms version."""
	from frappe.utils import add_to_date

	ensure_assistance_setup()
	# the company, its defaults and accounts exist (samples): the desk must not send
	# its users to the setup wizard
	frappe.db.set_value("Installed Application", {"has_setup_wizard": 1}, "is_setup_complete", 1)
	frappe.db.set_single_value("System Settings", "setup_complete", 1)
	for email, roles in DESK_STAFF.items():
		ensure_staff_user(email, roles)
		user = frappe.get_doc("User", email)
		user.new_password = DESK_PASSWORD
		user.language = "fr"
		user.save(ignore_permissions=True)
	if not frappe.db.exists(
		"Technician Authorisation", {"user": TECHNICIAN, "revoked_on": ("is", "not set")}
	):
		frappe.get_doc(
			{
				"doctype": "Technician Authorisation",
				"user": TECHNICIAN,
				"valid_from": add_days(now_datetime(), -30),
				"note": "Tests du bureau",
			}
		).insert(ignore_permissions=True)
	tag = frappe.generate_hash(length=6)
	on_demand = ensure_customer(f"Labo Bureau {tag}", f"C-BU{tag.upper()}", f"bureau.{tag}@example.com")
	premium = ensure_customer(f"Labo Premium {tag}", f"C-BP{tag.upper()}", f"premium.{tag}@example.com")
	to_sanction = ensure_customer(f"Labo Sanction {tag}", f"C-BS{tag.upper()}")
	frappe.get_doc(
		{
			"doctype": "Premium Subscription",
			"customer": premium,
			"start_date": add_days(nowdate(), -100),
			"item": ensure_plan_item(),
			"annual_price": 1188,
			"licence_valid_until": add_days(nowdate(), 300),
		}
	).insert(ignore_permissions=True)
	frappe.set_user("Administrator")
	new = make_ticket(on_demand, subject=f"Licence refusée {tag}")
	awaiting = make_ticket(on_demand, subject=f"Export STL impossible {tag}")
	awaiting.accept()
	late = make_ticket(
		on_demand,
		subject=f"Crash ancien {tag}",
		incident_at=add_to_date(now_datetime(), days=-30),
	)
	open_premium = make_ticket(premium, subject=f"Bibliothèque d'implants {tag}")
	open_premium.accept()  # covered by the plan: open at once
	# the client answers on the portal: the agent sees it in the list and on the form
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Received",
			"subject": "Réponse depuis le portail",
			"content": "La bibliothèque Straumann manque toujours.",
			"sender": f"premium.{tag}@example.com",
			"reference_doctype": "Assistance Ticket",
			"reference_name": open_premium.name,
			"communication_date": now_datetime(),
		}
	).insert(ignore_permissions=True)
	terms = frappe.get_doc(
		{
			"doctype": "Terms Version",
			"kind": "CGU",
			"reference": f"CGU-BUREAU-{tag.upper()}",
			"version_label": f"Essai {tag}",
			"publication_date": nowdate(),
			"effective_date": add_days(nowdate(), 30),
			"full_text": "<p>Conditions d'essai du bureau.</p>",
		}
	).insert(ignore_permissions=True)
	# a stock form for the same check: an Event starting at a time with seconds
	event = frappe.get_doc(
		{
			"doctype": "Event",
			"subject": f"Contrôle du formulaire {tag}",
			"event_type": "Public",
			"starts_on": f"{add_days(nowdate(), 1)} 10:27:08",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	return {
		"event_with_seconds": event.name,
		"password": DESK_PASSWORD,
		"agent": AGENT,
		"technician": TECHNICIAN,
		"manager": MANAGER,
		"accountant": ACCOUNTANT,
		"new_ticket": new.name,
		"awaiting_payment_ticket": awaiting.name,
		"late_ticket": late.name,
		"premium_ticket": open_premium.name,
		"client_to_sanction": to_sanction,
		"on_demand_client": on_demand,
		"terms_version": terms.name,
		"tag": tag,
	}
