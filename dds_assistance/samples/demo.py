"""Demo data for someone trying the app for the first time.

    bench --site <site> execute dds_assistance.samples.demo.make_demo_data

Makes believable records: clients with portal users and equipment, a Premium
client, on-demand tickets in each state (a paid and an unpaid invoice among
them), a consented remote session, a complaint and a suspended client. Uses the
company, ticket Item and tax template of Assistance Settings when they are set,
otherwise makes a demo company with them. Run twice, it adds nothing.
"""

import frappe
from frappe.utils import add_days, add_to_date, now_datetime, nowdate

from dds_assistance.samples import records

PASSWORD = "Demo-Assistance-2026"
CLIENTS = (
	("Laboratoire Dentaire Martin", "C-1001", "martin@labo-martin.example"),
	("Cabinet du Dr Lefèvre", "C-1002", "lefevre@cabinet-lefevre.example"),
	("Prothèses Normandie", "C-1003", "contact@protheses-normandie.example"),
	("Labo Seine Céramique", "C-1004", "atelier@seine-ceramique.example"),
)
TECHNICIAN = "technicien@3ddentalstore.example"
AGENT = "support@3ddentalstore.example"
MANAGER = "responsable@3ddentalstore.example"
ACCOUNTANT = "comptable@3ddentalstore.example"
# the back office's demo accounts, each with the roles of its job
STAFF = (
	(AGENT, ["Assistance Agent"], "agent"),
	(TECHNICIAN, ["Assistance Technician"], "technicien"),
	(MANAGER, ["Assistance Agent", "Assistance Manager"], "responsable"),
	(ACCOUNTANT, ["Accounts User", "Accounts Manager"], "comptable"),
)


def make_staff():
	for email, roles, _ in STAFF:
		new = not frappe.db.exists("User", email)
		records.ensure_staff_user(email, roles)
		if new:
			user = frappe.get_doc("User", email)
			user.new_password = PASSWORD
			user.language = "fr"
			user.save(ignore_permissions=True)


def logins(url: str = "") -> list[str]:
	"""What ``dev/setup`` prints: where to go and who to log in as."""
	lines = [f"Desk:   {url}/app   (password {PASSWORD})"]
	lines += [f"  {job:<12} {email}" for email, _, job in STAFF]
	lines.append(f"Portal: {url}/assistance   (password {PASSWORD})")
	lines += [f"  {name:<30} {email}" for name, _, email in CLIENTS]
	return lines


def make_demo_data() -> dict:
	if frappe.db.exists("Customer", CLIENTS[0][0]):
		make_staff()
		frappe.db.commit()
		print("Demo data is already there.")
		return {"created": False}
	records.ensure_system_defaults()
	settings = frappe.get_single("Assistance Settings")
	if not (settings.company and settings.ticket_item and settings.sales_taxes_template):
		records.ensure_assistance_setup()
		records.ensure_bank_account()  # the sample company's account: clients see how to pay
	else:
		records.ensure_plan_item()

	for name, number, email in CLIENTS:
		records.ensure_customer(name, number, email)
		frappe.db.set_value("Customer", name, "email_id", email)
		user = frappe.get_doc("User", email)
		user.new_password = PASSWORD
		user.language = "fr"
		user.save(ignore_permissions=True)
	make_staff()
	frappe.get_doc(
		{
			"doctype": "Technician Authorisation",
			"user": TECHNICIAN,
			"valid_from": add_days(now_datetime(), -30),
			"note": "Démo",
		}
	).insert(ignore_permissions=True)

	martin, lefevre, normandie, seine = (c[0] for c in CLIENTS)
	frappe.get_doc(
		{
			"doctype": "Premium Subscription",
			"customer": normandie,
			"start_date": add_days(nowdate(), -300),
			"item": records.PLAN_ITEM,
			"annual_price": 1188,
			"licence_valid_until": add_days(nowdate(), 200),
		}
	).insert(ignore_permissions=True)

	def ticket(customer, subject, serial, description, hours_ago=3, **values):
		moment = add_to_date(now_datetime(), hours=-hours_ago)
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": subject,
				"customer": customer,
				"channel": values.pop("channel", "Portal"),
				"serial_no": serial,
				"equipment_reference": "exocad DentalCAD 3.2 Elefsina",
				"description": description,
				"incident_at": values.pop("incident_at", moment),
				"received_at": moment,
			}
		)
		doc.update(values)
		return doc.insert(ignore_permissions=True)

	from dds_assistance.api import ticket as ticket_api

	ticket(
		martin,
		"Export STL impossible",
		"EXO-31-0042",
		"Depuis ce matin, l'export STL d'une couronne échoue avec l'erreur 0x42.",
	)
	ticket(lefevre, "Question sur une licence", "", "Bonjour, une question.", channel="E-mail")
	unpaid = ticket(
		lefevre,
		"Bibliothèque d'implants manquante",
		"EXO-31-0077",
		"La bibliothèque Straumann n'apparaît plus dans le module implantologie.",
	)
	ticket_api.accept(unpaid.name)
	paid = ticket(
		martin,
		"Scanner non reconnu",
		"EXO-31-0042",
		"Le scanner intra-oral n'est plus reconnu par exocad après la mise à jour Windows.",
		hours_ago=30,
	)
	paid_invoice = ticket_api.accept(paid.name)["sales_invoice"]
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	payment = get_payment_entry("Sales Invoice", paid_invoice)
	payment.reference_no, payment.reference_date = "CB-DEMO-001", nowdate()
	payment.insert(ignore_permissions=True)
	payment.submit()
	working = frappe.get_doc("Assistance Ticket", paid.name)
	working.status = "In Progress"
	working.save(ignore_permissions=True)
	late = ticket(
		martin,
		"Crash de la semaine dernière",
		"EXO-31-0042",
		"Plantage à l'ouverture d'un projet de bridge la semaine dernière.",
		incident_at=add_days(now_datetime(), -10),
	)
	ticket_api.refuse(late.name, "Demande faite hors du délai de 24 heures ouvrées (CGV art. 5).")
	covered = ticket(
		normandie,
		"Paramétrage des épaisseurs",
		"EXO-30-0911",
		"Comment régler l'épaisseur minimale des chapes en zircone ?",
	)
	ticket_api.accept(covered.name)

	from dds_assistance.api import remote_session as session_api

	session = frappe.get_doc(
		{
			"doctype": "Remote Session",
			"ticket": paid.name,
			"technician": TECHNICIAN,
			"purpose": "Réinstaller le pilote du scanner intra-oral",
			"tool": "RustDesk",
			"requested_minutes": 45,
		}
	).insert(ignore_permissions=True)
	frappe.set_user(CLIENTS[0][2])
	try:
		session_api.consent(session.name, 1, 1, 1, 1)
	finally:
		frappe.set_user("Administrator")

	frappe.get_doc(
		{
			"doctype": "Assistance Complaint",
			"subject": "Délai de prise en charge",
			"customer": lefevre,
			"channel": "Post",
			"received_at": add_days(now_datetime(), -2),
			"description": "Notre demande du 12 n'a reçu de réponse que le lendemain après-midi.",
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Assistance Sanction",
			"customer": seine,
			"breach": "Disrespectful behaviour",
			"sanction": "Suspension",
			"serious": 1,
			"facts": "Propos injurieux répétés envers un technicien lors de l'appel du 14.",
			"effective_from": add_days(now_datetime(), -1),
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	print(f"Demo data made. Portal users: {', '.join(c[2] for c in CLIENTS)} — password {PASSWORD}")
	return {"created": True}
