"""The customer portal in a real browser, in French, on a phone-sized screen."""

import re
from datetime import datetime, timedelta

FRENCH_PRICE = re.compile(r"100,00\s€")  # "100,00 €": amount, no-break space, euro sign


def test_client_creates_a_request_and_sees_it_listed(portal, data):
	portal.login(data["user_a"], data["password"])
	portal.goto("/assistance")
	assert "Mes demandes" in portal.page.content()
	portal.shot("mes-demandes")
	portal.goto("/assistance/new")
	portal.shot("nouvelle-demande")
	stamp = datetime.now().strftime("%H%M%S")
	subject = f"Export impossible {stamp}"
	portal.page.fill("#subject", subject)
	portal.page.fill("#serial_no", "SN-NAV-01")
	portal.page.fill("#equipment_reference", "exocad DentalCAD 3.2")
	portal.page.fill("#incident_at", (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
	portal.page.fill("#description", "L'export STL échoue à 90 % avec le message « mémoire insuffisante ».")
	portal.page.click("#dds-submit")
	portal.page.wait_for_url("**/assistance/tickets/**", timeout=20_000)
	assert subject in portal.page.content()
	portal.shot("demande-creee")
	portal.goto("/assistance")
	assert subject in portal.page.content()
	portal.shot("demande-listee")


def test_incomplete_request_is_refused_with_a_french_message(portal, data):
	portal.login(data["user_b"], data["password"])
	portal.goto("/assistance/new")
	price = portal.page.inner_text(".dds-price")  # stated before submitting, as French writes it
	assert FRENCH_PRICE.search(price) and "€ 100" not in price, price
	portal.page.fill("#description", "bug")
	portal.page.click("#dds-submit")
	portal.page.wait_for_selector(".modal.show", timeout=10_000)
	assert "incomplète" in portal.page.inner_text(".modal.show")
	portal.shot("demande-incomplete")


def test_client_consents_to_a_remote_session(portal, data):
	portal.login(data["user_a"], data["password"])
	portal.goto(f"/assistance/sessions/{data['session']}")
	portal.shot("session")
	for box in ("check_backup", "check_apps_closed", "check_reachable", "check_connection"):
		portal.page.check(f"#{box}")
	portal.page.click("#dds-authorise")
	portal.page.wait_for_selector(".dds-consented", timeout=20_000)
	assert "Vous avez autorisé cette session" in portal.page.content()
	portal.shot("session-autorisee")


def test_client_gives_notice_on_their_plan(portal, data):
	portal.login(data["user_a"], data["password"])
	portal.goto("/assistance/subscription")
	if portal.page.query_selector("#dds-withdraw"):  # a notice left by an earlier run
		portal.page.click("#dds-withdraw")
		portal.page.wait_for_selector("#dds-preview", timeout=20_000)
	portal.shot("abonnement")
	portal.page.click("#dds-preview")
	portal.page.wait_for_selector("#dds-confirm:not(.d-none)", timeout=20_000)
	assert "votre forfait se termine le" in portal.page.inner_text("#dds-preview-text")
	portal.shot("resiliation-apercu")
	portal.page.click("#dds-give-notice")
	portal.page.wait_for_selector(".dds-ends", timeout=20_000)
	portal.shot("resiliation-enregistree")
	portal.page.click("#dds-withdraw")  # leave the plan as it was
	portal.page.wait_for_selector("#dds-preview", timeout=20_000)


def test_client_files_a_complaint(portal, data):
	portal.login(data["user_a"], data["password"])
	portal.goto("/assistance/complaints")
	subject = f"Délai de réponse {datetime.now().strftime('%H%M%S')}"
	portal.page.fill("#dds-subject", subject)
	portal.page.fill("#dds-details", "La première réponse est arrivée le lendemain.")
	portal.page.click("#dds-complaint button[type=submit]")
	portal.page.wait_for_selector(f"text={subject}", timeout=20_000)
	assert "Accusé de réception attendu avant" in portal.page.content()
	portal.shot("reclamation")


def test_second_client_cannot_reach_the_first_clients_pages(portal, data):
	portal.login(data["user_b"], data["password"])
	subject = "Bibliothèque d'implants"
	for route in (f"/assistance/tickets/{data['ticket']}", f"/assistance/sessions/{data['session']}"):
		response = portal.goto(route)
		assert response.status in (403, 404), (route, response.status)
		assert subject not in portal.page.content()
		assert data["client_a"] not in portal.page.content()
		portal.shot("refus")
	portal.goto("/assistance")
	assert data["ticket"] not in portal.page.content()
	portal.shot("mes-demandes-client-b")


def test_client_attaches_a_file_and_a_file_past_the_bound_is_refused_before_anything_is_sent(portal, data):
	"""Issue #28: the form states the attachment's bound and checks it before
	sending; a file within it goes as an upload with the new request."""
	portal.login(data["user_a"], data["password"])
	portal.goto("/assistance/new")
	bound = int(portal.page.get_attribute("#attachment", "data-max-bytes"))
	assert "Mo au plus. Types autorisés" in portal.page.inner_text(".dds-attachment-bound")
	stamp = datetime.now().strftime("%H%M%S")

	def fill(subject: str):
		portal.page.fill("#subject", subject)
		portal.page.fill("#serial_no", "SN-NAV-02")
		portal.page.fill("#equipment_reference", "exocad DentalCAD 3.2")
		portal.page.fill("#description", "La bibliothèque d'implants ne se charge plus, capture jointe.")

	too_big = {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n" + b"0" * bound}
	fill(f"Trop gros {stamp}")
	portal.page.set_input_files("#attachment", too_big)
	portal.page.click("#dds-submit")
	portal.page.wait_for_selector(".modal.show", timeout=10_000)
	assert "scan.pdf dépasse les" in portal.page.inner_text(".modal.show")
	portal.shot("fichier-trop-gros")
	portal.goto("/assistance")
	assert f"Trop gros {stamp}" not in portal.page.content()  # nothing was sent

	portal.goto("/assistance/new")
	fill(f"Avec capture {stamp}")
	pdf = {"name": "capture.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
	portal.page.set_input_files("#attachment", pdf)
	portal.page.click("#dds-submit")
	portal.page.wait_for_url("**/assistance/tickets/**", timeout=20_000)
	assert "capture.pdf" in portal.page.content()
	portal.shot("demande-avec-fichier")


def test_the_portal_speaks_french_to_a_client_who_chose_no_language(portal, language_data):
	"""Whatever the site's language (a newcomer's test site is in English): the pages,
	the amounts and the "not found" page in French; the request completed on its page,
	as its acknowledgement says."""
	portal.login(language_data["user"], language_data["password"])
	portal.goto("/assistance")
	assert portal.page.get_attribute("html", "lang") == "fr"
	assert "Mes demandes" in portal.page.content()
	portal.goto("/assistance/new")
	assert FRENCH_PRICE.search(portal.page.inner_text(".dds-price"))
	portal.shot("prix-en-francais")

	portal.goto(f"/assistance/tickets/{language_data['incomplete_ticket']}")
	card = portal.page.inner_text(".dds-incomplete")
	assert "Votre demande est incomplète" in card and "Numéro de série" in card, card
	portal.shot("demande-a-completer")
	portal.page.fill("#dds-serial", "SN-COMPLET-01")
	portal.page.fill("#dds-reference", "exocad DentalCAD 3.2")
	portal.page.click("#dds-complete button[type=submit]")
	portal.page.wait_for_function("() => !document.querySelector('.dds-incomplete')", timeout=20_000)
	portal.page.wait_for_load_state("networkidle")
	assert "SN-COMPLET-01" in portal.page.content()
	portal.shot("demande-completee")

	response = portal.goto(f"/assistance/tickets/{language_data['other_clients_ticket']}")
	assert response.status == 404
	assert portal.page.get_attribute("html", "lang") == "fr"
	assert "Non Trouvé" in portal.page.content() and "Exception" not in portal.page.content()
	portal.shot("introuvable")
