"""What a client may attach: allowed types, content checked against the extension,
active types never (issue "Close what a client can write", R-TKT-8)."""

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dds_assistance.core import attachments as a
from dds_assistance.core.errors import RuleError

MB = 1024 * 1024
ALLOWED = a.allowed_types(None)
BINARY_STL = b"\0" * 80 + struct.pack("<I", 1) + b"\0" * 50
SAMPLES = {
	"crown.stl": BINARY_STL,
	"crown-ascii.stl": b"solid crown\n facet normal 0 0 1\n  outer loop\n endloop\n endfacet\nendsolid crown\n",
	"scan.ply": b"ply\nformat binary_little_endian 1.0\nend_header\n\x00\x01",
	"model.obj": b"# exocad\nmtllib a.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n",
	"ct.dcm": b"\0" * 128 + b"DICM" + b"\x02\x00",
	"cases.zip": b"PK\x03\x04" + b"\0" * 26,
	"facture.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
	"capture.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 8,
	"photo.JPG": b"\xff\xd8\xff\xe0" + b"\0" * 8,
	"anim.gif": b"GIF89a" + b"\0" * 6,
	"shot.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
	"notes.txt": "Écran noir après la mise à jour du pilote.\n".encode(),
	"exocad.log": "2026-11-25 10:00 Erreur 0x42 à l'export\n".encode("cp1252"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_needed_type_is_accepted_with_its_real_content(name):
	assert a.check_attachment(name, SAMPLES[name], ALLOWED, 10 * MB) == name


@pytest.mark.parametrize("name", ["x.shtml", "x.html", "x.htm", "x.xhtml", "x.svg", "x.xml", "x.js"])
def test_types_a_browser_runs_are_refused_even_if_a_setting_lists_them(name):
	allowed = a.allowed_types("stl, html, htm, shtml, xhtml, svg, xml, js")
	assert allowed == ("stl",)
	with pytest.raises(RuleError) as caught:
		a.check_attachment(name, b"<script>alert(1)</script>", ALLOWED + tuple(a.ACTIVE), 10 * MB)
	assert caught.value.code == "attachment_type"


def test_a_type_outside_the_list_is_refused_naming_the_allowed_ones():
	with pytest.raises(RuleError, match="stl, ply"):
		a.check_attachment("setup.exe", b"MZ\x90\x00", ALLOWED, 10 * MB)
	with pytest.raises(RuleError):
		a.check_attachment("no-extension", b"hello", ALLOWED, 10 * MB)


@pytest.mark.parametrize(
	"name, content",
	[
		("capture.png", b"<html><script>alert(1)</script></html>"),  # a page renamed .png
		("facture.pdf", b"\x89PNG\r\n\x1a\n"),  # a PNG named .pdf
		("notes.txt", b"<script>fetch('/api/method/frappe.auth.get_logged_user')</script>"),
		("notes.txt", b"\x00\x01\x02binary"),
		("crown.stl", b"just some words, not a mesh"),
		("model.obj", b"<html>not a mesh</html>"),
		("ct.dcm", b"\0" * 200),
		("cases.zip", b"Rar!\x1a\x07\x00"),
	],
)
def test_content_must_be_what_the_extension_says(name, content):
	with pytest.raises(RuleError) as caught:
		a.check_attachment(name, content, ALLOWED, 10 * MB)
	assert caught.value.code == "attachment_content"


def test_size_limits():
	with pytest.raises(RuleError, match="10 MB"):
		a.check_attachment("a.txt", b"x" * (10 * MB + 1), ALLOWED, 10 * MB)
	with pytest.raises(RuleError):
		a.check_attachment("a.txt", b"", ALLOWED, 10 * MB)


def test_file_names_are_cleaned():
	assert a.safe_file_name("C:\\Users\\labo\\scan.stl") == "scan.stl"
	assert a.safe_file_name("../../etc/passwd") == "passwd"
	assert a.safe_file_name("a\x00b\nc.txt") == "abc.txt"
	assert a.safe_file_name("") == "piece-jointe"
	long = a.safe_file_name("x" * 300 + ".stl")
	assert len(long) == 140 and long.endswith(".stl")


@given(st.binary(max_size=256), st.sampled_from(sorted({n.rsplit(".", 1)[1].lower() for n in SAMPLES})))
def test_any_content_is_decided_without_error(content, extension):
	try:
		assert a.check_attachment(f"f.{extension}", content, ALLOWED, 10 * MB) == f"f.{extension}"
	except RuleError as error:
		assert error.code in ("attachment_size", "attachment_content")
