"""The desk in a browser, as the back office works in it — in French, at a desk's
width, with no JavaScript error on any page (R-TKT-4, R-TKT-7, R-TKT-9, R-TKT-10,
R-RS-1, R-RS-4, R-SAN-2, R-TERMS-2, R-ACC-2).

The records come from ``dds_assistance.samples.testing.desk_fixture`` (fresh ones on each
run); each step leaves a screenshot in ``browser_tests/output/``."""

import io
import re
import zipfile

import pytest

NOT_SAVED = "Non enregistré"  # Frappe's "Not Saved" in French


@pytest.fixture
def desk(browser, request):
	from conftest import Desk

	desk = Desk(browser, request.node.name)
	yield desk
	desk.context.close()


def test_agent_list_accept_respond_refuse(desk, desk_data):
	"""Agent: the list with its countdown and its filters for late and unpaid work;
	a form clean on load; accepting an on-demand request makes its invoice and the
	"pay before assistance" state; the first response; refusing a late request."""
	desk.login(desk_data["agent"], desk_data["password"])

	desk.goto("/app/assistance-ticket")
	desk.page.wait_for_selector(".list-row-container")
	assert desk.page.locator(".page-title").first.inner_text().strip() == "Ticket d'assistance"
	desk.page.wait_for_function(
		"() => [...document.querySelectorAll('.dds-countdown')].some((e) => /\\d/.test(e.textContent))"
	)
	desk.shot("list")
	# the standard filters a desk needs: late requests, unpaid work
	for field, value, expected in (
		("is_late", 1, desk_data["late_ticket"]),
		("is_paid", 0, desk_data["awaiting_payment_ticket"]),
	):
		assert desk.page.locator(f".standard-filter-section [data-fieldname='{field}']").count() >= 1, field
		# the filters a user sets in the list's filter bar
		desk.page.evaluate(
			"""([f, v, c]) => cur_list.filter_area.clear(false)
				.then(() => cur_list.filter_area.add([[cur_list.doctype, 'customer', '=', c]]))
				.then(() => cur_list.filter_area.add([[cur_list.doctype, f, '=', v]]))""",
			[field, value, desk_data["on_demand_client"]],
		)
		# the list shows the expected request, and only rows that meet the filter
		desk.page.wait_for_function(
			"""([f, v, name]) => window.cur_list && (cur_list.data || []).some((d) => d.name === name)
				&& cur_list.data.every((d) => d[f] == v)""",
			arg=[field, value, expected],
		)
	desk.shot("filters")

	# an on-demand request awaiting payment: the form is clean on load
	desk.open_form("Assistance Ticket", desk_data["awaiting_payment_ticket"])
	desk.assert_clean()
	# one headline, each state said once — the countdown arrives in the same block
	desk.page.wait_for_function("() => /Première réponse/.test(cur_frm.layout.message.text())")
	headline = desk.dashboard_text()
	assert headline.count("n'est pas payée : aucune assistance avant paiement.") == 1, headline
	assert desk.page.locator(".form-message:visible").count() == 1
	assert not re.search(r"R-[A-Z]+-\d", headline), headline  # no rule id for people to read
	desk.shot("awaiting-payment-clean")

	# accept a new on-demand request: its invoice, and no assistance before payment
	desk.open_form("Assistance Ticket", desk_data["new_ticket"])
	desk.assert_clean()
	desk.click_button("Accepter")
	desk.wait_doc("status", "Awaiting Payment")
	invoice = desk.doc("sales_invoice")
	assert re.match(r"\w", invoice or ""), "no invoice made"
	assert f"La facture {invoice} n'est pas payée" in desk.dashboard_text()
	desk.assert_clean()
	desk.shot("accepted")

	desk.click_menu_item("Actions", "Marquer la première réponse comme donnée")
	desk.page.wait_for_function("() => cur_frm.doc.first_responded_on")
	desk.shot("responded")

	# refuse a late request, with a reason
	desk.open_form("Assistance Ticket", desk_data["late_ticket"])
	assert "Demande tardive" in desk.dashboard_text()
	desk.click_button("Refuser")
	desk.fill_dialog({"reason": "Incident signalé 30 jours après les faits (CGV art. 5)."})
	desk.wait_doc("status", "Rejected")
	desk.shot("late-refused")
	desk.assert_no_errors()


def test_agent_sees_that_the_client_replied(desk, desk_data):
	"""A client's reply on a request shows at a glance: a badge in the list, a line at
	the top of the form — until the support team answers."""
	desk.login(desk_data["agent"], desk_data["password"])
	desk.goto("/app/assistance-ticket?client_replied=1")
	desk.page.wait_for_selector(".list-row-container")
	row = desk.page.locator(
		".list-row-container", has_text=f"Bibliothèque d'implants {desk_data['tag']}"
	).first
	assert "Le client a répondu" in row.inner_text()
	desk.shot("list-client-replied")
	desk.open_form("Assistance Ticket", desk_data["premium_ticket"])
	desk.assert_clean()
	assert "Le client a répondu le" in desk.dashboard_text()
	desk.shot("form-client-replied")
	desk.assert_no_errors()


def test_technician_remote_session(desk, desk_data):
	"""Technician: proposes a session from the ticket; starting before consent is
	refused with the reason; after consent it starts; the scope is widened on the
	client's instruction; it ends; the history is there and read-only."""
	desk.login(desk_data["technician"], desk_data["password"])
	desk.open_form("Assistance Ticket", desk_data["premium_ticket"])
	desk.assert_clean()
	desk.click_menu_item("Actions", "Proposer une session à distance")
	desk.fill_dialog({"purpose": "Recharger la bibliothèque d'implants", "minutes": 30})
	desk.page.wait_for_function("() => cur_frm && cur_frm.doctype === 'Remote Session' && !cur_frm.is_new()")
	session = desk.doc("name")
	desk.assert_clean()
	desk.shot("proposed")

	desk.click_button("Démarrer la session")
	message = desk.page.locator(".modal.show .msgprint, .modal.show .modal-body").first
	message.wait_for()
	assert "n'a pas consenti" in message.inner_text()
	desk.shot("start-refused")
	desk.close_dialog()
	desk.reload()
	assert desk.doc("status") == "Requested"

	desk.click_button("Enregistrer un consentement donné par téléphone ou courriel")
	desk.fill_dialog(
		{
			"method": "Phone",
			"consented_by": "Dr Martin",
			"note": "Accord donné par téléphone à 10 h 05.",
			"check_backup": 1,
			"check_apps_closed": 1,
			"check_reachable": 1,
			"check_connection": 1,
		}
	)
	desk.wait_doc("status", "Consented")
	desk.click_button("Démarrer la session")
	desk.wait_doc("status", "In Progress")
	desk.shot("started")

	desk.click_button("Élargir le périmètre sur instruction du client")
	desk.fill_dialog(
		{
			"new_scope": "Mettre aussi à jour le pilote de la carte graphique",
			"instruction_by": "Dr Martin",
			"instruction": "« Profitez-en pour mettre à jour le pilote. »",
		}
	)
	desk.page.wait_for_function(
		"() => (cur_frm.doc.current_scope || '').includes('pilote de la carte graphique')"
	)
	desk.click_button("Terminer la session")
	desk.fill_dialog({"note": "Bibliothèque rechargée, pilote à jour."})
	desk.wait_doc("status", "Ended")
	desk.shot("ended")

	desk.click_button("Historique des connexions")
	# proposed, start refused, consented, started, widened, ended
	desk.page.wait_for_function(
		"(s) => window.cur_list && cur_list.doctype === 'Remote Session Log' && (cur_list.data || []).length >= 5"
		" && cur_list.data.every((d) => d.session === s || d.session === undefined)",
		arg=session,
	)
	desk.settle()
	assert desk.page.locator(".primary-action:visible").count() == 0, "the history offers to add a row"
	desk.shot("history")
	desk.page.locator(".list-row-container .list-subject a").first.click()
	desk.page.wait_for_function("() => cur_frm && cur_frm.doctype === 'Remote Session Log'")
	assert desk.page.evaluate("() => cur_frm.perm[0].write || cur_frm.perm[0].delete || 0") in (0, None)
	assert desk.doc("session") == session
	desk.assert_no_errors()


def test_manager_extension_sanction_terms(desk, desk_data):
	"""Manager: extends a response due time with a reason from the CGV list; records
	a sanction and sees the client suspended; publishes a terms version."""
	desk.login(desk_data["manager"], desk_data["password"])
	desk.open_form("Assistance Ticket", desk_data["premium_ticket"])
	before = desk.doc("response_due")
	desk.click_menu_item("Actions", "Prolonger le délai de réponse")
	new_due = desk.page.evaluate("(due) => frappe.datetime.add_days(due, 3).slice(0, 19)", before)
	desk.fill_dialog(
		{"new_due": new_due, "reason": "High demand", "note": "Afflux après la mise à jour exocad."}
	)
	desk.page.wait_for_function("(before) => cur_frm.doc.response_due !== before", arg=before)
	desk.shot("extended")

	desk.goto("/app/assistance-sanction/new")
	desk.page.wait_for_function("() => cur_frm && cur_frm.doctype === 'Assistance Sanction'")
	desk.set_values(
		{
			"customer": desk_data["client_to_sanction"],
			"breach": "Disrespectful behaviour",
			"sanction": "Suspension",
			"serious": 1,
			"facts": "Propos injurieux envers un technicien au téléphone.",
			"effective_from": desk.page.evaluate("() => frappe.datetime.now_datetime()"),
		}
	)
	desk.save()
	desk.page.wait_for_function("() => !cur_frm.is_new()")
	suspended = desk.page.evaluate(
		"(customer) => frappe.xcall('frappe.client.get_value', {doctype: 'Assistance Sanction', "
		"filters: {customer}, fieldname: 'status'})",
		desk_data["client_to_sanction"],
	)
	assert suspended["status"] == "Active", suspended
	assert "Actif" in desk.page.locator(".indicator-pill").first.inner_text()
	desk.shot("sanction")

	desk.open_form("Terms Version", desk_data["terms_version"])
	desk.click_button("Informer les clients")
	desk.confirm(settle=False)  # published at once; the workers inform the clients
	desk.page.wait_for_function("() => cur_frm.doc.published_on", timeout=300_000)
	desk.settle()
	desk.shot("terms-published")
	desk.assert_no_errors()


def test_accountant_reconciliation_export(desk, desk_data):
	"""Accountant: the reconciliation for a period, anomalies filtered, exported to
	Excel — the file opens and holds the rows."""
	desk.login(desk_data["accountant"], desk_data["password"])
	desk.goto("/app/query-report/Assistance Ticket Reconciliation")
	desk.page.wait_for_selector(".dt-row-0, .no-result", timeout=60_000)
	assert desk.page.locator(".dt-row-0").count() == 1, "no ticket in this month's reconciliation"
	desk.page.evaluate("() => frappe.query_report.set_filter_value('anomaly', 'Any anomaly')")
	desk.page.wait_for_timeout(1500)
	desk.page.wait_for_selector(".dt-scrollable")
	desk.shot("anomalies")
	desk.page.evaluate("() => frappe.query_report.set_filter_value('anomaly', '')")
	desk.page.wait_for_selector(".dt-row-0")
	rows = desk.page.evaluate("() => frappe.query_report.data.length")

	desk.click_menu_item(None, "Exporter")
	with desk.page.expect_download() as download:
		desk.fill_dialog({"file_format": "Excel"})
	content = open(download.value.path(), "rb").read()
	with zipfile.ZipFile(io.BytesIO(content)) as workbook:
		sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
	assert sheet.count("<row") >= rows, (sheet.count("<row"), rows)
	desk.shot("exported")
	desk.assert_no_errors()


def test_stock_form_with_seconds_is_clean(desk, desk_data):
	"""The same check on a stock form: Frappe's own Event, its start time stored with
	seconds. Frappe's front end relies on its own build of air-datepicker, whose time
	picker keeps the seconds; a bench built with npm's air-datepicker 2.2.3 drops them
	on load and marks such a form "Not Saved" — a fault of that bench's front-end
	build, not of this app (whose receipt time is read-only once saved)."""
	desk.login(desk_data["agent"], desk_data["password"])
	desk.open_form("Event", desk_data["event_with_seconds"])
	dirty = desk.page.evaluate("() => cur_frm.doc.__unsaved")
	if dirty:
		pytest.xfail(
			"this bench's front-end build drops the seconds of a Datetime field (npm air-datepicker)"
		)
