"""A file a browser would run is never served inline, to anyone (issue "Close what
a client can write", finding 1): it reaches the browser as a download."""


def test_a_stored_page_is_downloaded_not_rendered(portal, data):
	portal.login(data["user_a"], data["password"])
	response = portal.page.request.get(portal.url + data["page_url"])
	assert response.status == 200
	assert response.headers["content-type"].startswith("application/octet-stream")
	assert response.headers["content-disposition"].startswith("attachment")
	assert response.headers["x-content-type-options"] == "nosniff"
	# opened in the browser, it does not run: no page titled by its script
	portal.page.goto(portal.url + "/assistance")
	with portal.page.expect_download():
		portal.page.evaluate(f"window.location.href = {data['page_url']!r}")
	assert portal.page.title() != "pwned"


def test_the_other_client_cannot_fetch_it(portal, data):
	portal.login(data["user_b"], data["password"])
	response = portal.page.request.get(portal.url + data["page_url"])
	assert response.status in (403, 404)
