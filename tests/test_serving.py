"""What dev/serve-production-like changes in bench's generated nginx.conf
(``dev/bench_nginx.py``), the lines README gives for it, and the "try again" page and
JSON the app ships for nginx (README, "When Frappe cannot answer")."""

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "dev"))

import bench_nginx  # noqa: E402

GENERATED = (
	Path(__file__).parent / "data" / "bench-nginx.conf"
).read_text()  # bench setup nginx, two sites on ports
UNAVAILABLE = ROOT / "dds_assistance" / "public" / "unavailable"
SITES = {"dds.example.fr": "8180", "other.example.fr": "8181"}


def readme_nginx_blocks() -> list[str]:
	readme = (ROOT / "README.md").read_text(encoding="utf-8")
	return re.findall(r"```nginx\n(.*?)```", readme, re.S)


def test_readme_shows_exactly_the_lines_the_script_adds():
	assert bench_nginx.TEMPLATE.read_text(encoding="utf-8") in readme_nginx_blocks()


def test_every_server_listens_on_loopback_only():
	edited = bench_nginx.edit(GENERATED)
	listens = re.findall(r"^\s*listen\s+([^;]+);", edited, re.M)
	assert sorted(listens) == sorted(f"127.0.0.1:{port}" for port in SITES.values())
	assert "[::]" not in edited
	# the generated file listens on every address, IPv6 too
	assert re.search(r"^\s*listen 8180;", GENERATED, re.M) and "listen [::]:8180;" in GENERATED


def test_each_site_gets_the_lines_with_its_own_site_bench_and_timeout():
	edited = bench_nginx.edit(GENERATED)
	for site in SITES:
		lines = bench_nginx.unavailable_lines(site, "frappe-bench", "120")
		assert edited.count(lines) == 1, site
		assert f"proxy_set_header X-Frappe-Site-Name {site};" in lines
		assert "proxy_pass http://frappe-bench-frappe;" in lines
		# right after the server block's root, before bench's own error pages (the first
		# error_page of a code is the one nginx uses)
		block = edited[edited.index(f"\t\t{site}\n") :]
		root = block.index("\troot /home/frappe/frappe-bench/sites;\n")
		assert block.index(lines) == root + len("\troot /home/frappe/frappe-bench/sites;\n") + 1
		assert block.index(lines) < block.index("error_page 502 /502.html;")
	assert edited.count(bench_nginx.MARK) == len(SITES)


def test_nothing_else_of_bench_s_file_changes():
	edited = bench_nginx.edit(GENERATED)
	for site in SITES:
		edited = edited.replace("\n" + bench_nginx.unavailable_lines(site, "frappe-bench", "120") + "\n", "")
	generated = [line for line in GENERATED.splitlines() if "listen" not in line]
	assert [line for line in edited.splitlines() if "listen" not in line] == generated


def test_editing_twice_changes_nothing_more():
	once = bench_nginx.edit(GENERATED)
	assert bench_nginx.edit(once) == once


def test_the_lines_leave_nothing_to_fill_in():
	lines = bench_nginx.unavailable_lines("dds.example.fr", "frappe-bench", "120")
	assert not re.search(r"<(site|bench|http_timeout)>", lines)
	assert re.findall(r"<(\w+)>", bench_nginx.TEMPLATE.read_text()) == ["site", "http_timeout", "bench"]


def test_the_page_is_french_self_contained_and_comes_back_by_itself():
	page = (UNAVAILABLE / "fr.html").read_text(encoding="utf-8")
	assert '<html lang="fr">' in page
	assert '<meta http-equiv="refresh" content="30">' in page
	assert "<style>" in page
	# nothing to fetch: the server behind nginx may be down
	assert not re.search(r"""(src|href)=["'](?!["'])""", page)
	assert "Service momentanément indisponible" in page
	assert "votre dernière action n'a pas été enregistrée" in page


def test_the_json_is_what_frappe_s_client_shows():
	data = json.loads((UNAVAILABLE / "fr.json").read_text(encoding="utf-8"))
	page = (UNAVAILABLE / "fr.html").read_text(encoding="utf-8")
	assert data["exc_type"] == "ServiceUnavailable"
	# frappe.request shows _server_messages: a list of JSON messages
	message = json.loads(json.loads(data["_server_messages"])[0])
	assert message["title"] == "Service momentanément indisponible"
	assert message["message"] == data["message"]
	assert data["message"] in page


def test_the_retry_after_of_nginx_is_the_page_s_refresh():
	template = bench_nginx.TEMPLATE.read_text()
	assert template.count("add_header Retry-After 30 always;") == 2
	assert "/assets/dds_assistance/unavailable/fr.html" in template
	assert "/assets/dds_assistance/unavailable/fr.json" in template
