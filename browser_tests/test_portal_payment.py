"""How to pay, on a phone (CGV art. 4, R-TKT-4): the client's unpaid request shows
the transfer details — beneficiary, IBAN, BIC, amount, the reference to quote — and
the SEPA QR code, in French, with no pay button where the site has no payment
gateway, and nothing running off the screen."""

import re


def test_unpaid_request_shows_the_transfer_details_and_qr_code(portal, data):
	portal.login(data["user_b"], data["password"])
	portal.goto(f"/assistance/tickets/{data['unpaid_ticket']}")
	payment = portal.page.locator("#dds-payment")
	payment.scroll_into_view_if_needed()
	text = payment.inner_text()
	assert "Comment payer" in text or "Comment régler" in text, text
	assert "virement" in text.lower()
	assert portal.page.locator(".dds-iban").inner_text().replace(" ", "").startswith("FR76")
	assert portal.page.locator(".dds-bic").inner_text().strip()
	amount = portal.page.locator(".dds-amount").inner_text()
	assert re.fullmatch(r"100,00\s€", amount.strip()), (
		amount
	)  # as French writes it, whatever the site's format
	assert portal.page.locator(".dds-reference").inner_text().strip() == data["unpaid_invoice"]
	qr = portal.page.locator(".dds-qr svg")
	assert qr.count() == 1
	box = qr.bounding_box()
	assert box and 100 <= box["width"] <= 390, box  # scannable, and within the phone's width
	assert portal.page.locator("#dds-pay-online").count() == 0  # no gateway on this site
	overflow = portal.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
	assert overflow <= 0, f"{overflow} px wider than the phone's screen"
	portal.shot("comment-payer")
