"""The portal on a phone: a long subject without spaces wraps in "Mes demandes"
instead of running off the screen."""

from datetime import datetime


def test_a_long_subject_without_spaces_wraps_on_a_phone(portal, data):
	portal.login(data["user_a"], data["password"])
	portal.goto("/assistance/new")
	subject = "Fichier_" + datetime.now().strftime("%H%M%S") + "_" + "X" * 120  # 140 characters, no space
	portal.page.fill("#subject", subject)
	portal.page.fill("#serial_no", "SN-NAV-01")
	portal.page.fill("#equipment_reference", "exocad DentalCAD 3.2")
	portal.page.fill("#description", "Le nom du fichier exporté est très long et sans espace.")
	portal.page.click("#dds-submit")
	portal.page.wait_for_url("**/assistance/tickets/**", timeout=20_000)
	for route in ("/assistance", portal.page.url.split(portal.url, 1)[-1]):
		portal.goto(route)
		assert subject in portal.page.content()
		overflow = portal.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
		assert overflow <= 0, f"{route}: {overflow} px wider than the phone's screen"
		portal.shot("sujet-long")
