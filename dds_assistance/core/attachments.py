"""What a client may attach to a request: the types the business needs, each file's
content checked against its extension (R-TKT-8; the security of the desk that
opens them).

A file whose name says ``.pdf`` must be a PDF, an ``.stl`` a mesh, a ``.txt``
plain text, and so on: a web page or a script renamed ``.png`` is refused, and
no type that a browser would run (HTML, SVG, XML, JavaScript) is ever allowed.
"""

from __future__ import annotations

import re
import unicodedata

from dds_assistance.core.errors import RuleError

# the extensions the business needs (a setting may narrow or widen this list)
DEFAULT_ALLOWED = (
	"stl",
	"ply",
	"obj",
	"dcm",
	"zip",
	"pdf",
	"png",
	"jpg",
	"jpeg",
	"gif",
	"webp",
	"txt",
	"log",
)
# never allowed, whatever a setting says: a browser runs them
ACTIVE = frozenset(
	{"html", "htm", "shtml", "xhtml", "xht", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "swf"}
)
MAX_NAME_LENGTH = 140
_TEXT_TYPES = frozenset({"txt", "log", "obj"})
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|object|embed|body)\b", re.I)


def allowed_types(setting: str | None) -> tuple[str, ...]:
	"""The allowed extensions from a setting ("stl, pdf, png" …), the default when
	empty; active types are never allowed."""
	values = re.split(r"[\s,;]+", (setting or "").lower())
	chosen = tuple(dict.fromkeys(v.lstrip(".") for v in values if v.strip(".")))
	return tuple(v for v in (chosen or DEFAULT_ALLOWED) if v not in ACTIVE)


def safe_file_name(name: str | None) -> str:
	"""The last path element, control characters dropped, at most 140 characters
	(keeping the extension)."""
	base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
	base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C")
	base = base.strip().strip(".") or "piece-jointe"
	if len(base) > MAX_NAME_LENGTH:
		stem, dot, extension = base.rpartition(".")
		if dot and 0 < len(extension) <= 10:
			base = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"
		else:
			base = base[:MAX_NAME_LENGTH]
	return base


def extension_of(name: str) -> str:
	stem, dot, extension = name.rpartition(".")
	return extension.lower() if dot and stem else ""


def check_attachment(name: str | None, content: bytes, allowed: tuple[str, ...], max_bytes: int) -> str:
	"""The file's safe name if its type is allowed and its content is what its
	extension says; otherwise a :class:`RuleError` naming what is wrong."""
	safe = safe_file_name(name)
	extension = extension_of(safe)
	if not content or len(content) > max_bytes:
		raise RuleError(
			"attachment_size", "Files must be between 1 byte and {0} MB.", round(max_bytes / 1024 / 1024)
		)
	if extension in ACTIVE or extension not in allowed:
		raise RuleError(
			"attachment_type",
			"Files of this type cannot be attached ({0}). Allowed types: {1}.",
			extension or "?",
			", ".join(allowed),
		)
	if not content_matches(extension, content):
		raise RuleError(
			"attachment_content",
			"The content of {0} is not a {1} file: it cannot be attached.",
			safe,
			extension.upper(),
		)
	return safe


def content_matches(extension: str, content: bytes) -> bool:
	"""Does ``content`` look like a file of ``extension`` (its signature, or its
	structure for the formats without one)?"""
	check = _SIGNATURES.get(extension)
	if check is not None:
		return check(content)
	if extension in _TEXT_TYPES:
		return _is_text(content) and (extension != "obj" or _is_obj(content))
	return False  # a type allowed by a setting, with no known way to check it


def _is_text(content: bytes) -> bool:
	if b"\x00" in content[:65536]:
		return False
	sample = content[:65536]
	try:
		sample.decode("utf-8")
	except UnicodeDecodeError as error:
		if error.start < len(sample) - 4:  # not just a character cut at the sample's end
			try:
				sample.decode("cp1252")
			except UnicodeDecodeError:
				return False
	return not _MARKUP.search(sample[:4096])


def _is_obj(content: bytes) -> bool:
	keywords = (b"v", b"vt", b"vn", b"vp", b"f", b"l", b"p", b"o", b"g", b"s", b"mtllib", b"usemtl", b"#")
	lines = [line.strip() for line in content[:65536].splitlines() if line.strip()]
	return bool(lines) and all(line.split()[0] in keywords or line.startswith(b"#") for line in lines[:200])


def _is_stl(content: bytes) -> bool:
	if len(content) >= 84:
		triangles = int.from_bytes(content[80:84], "little")
		if len(content) == 84 + 50 * triangles:
			return True  # binary STL: an 80-byte header, a count, 50 bytes a triangle
	head = content[:1024].lstrip()
	return head[:5].lower() == b"solid" and _is_text(content) and b"facet" in content[:65536].lower()


def _is_dicom(content: bytes) -> bool:
	return len(content) >= 132 and content[128:132] == b"DICM"


def _is_webp(content: bytes) -> bool:
	return len(content) >= 12 and content[:4] == b"RIFF" and content[8:12] == b"WEBP"


_SIGNATURES = {
	"pdf": lambda c: c[:1024].lstrip()[:5] == b"%PDF-",
	"png": lambda c: c[:8] == b"\x89PNG\r\n\x1a\n",
	"jpg": lambda c: c[:3] == b"\xff\xd8\xff",
	"jpeg": lambda c: c[:3] == b"\xff\xd8\xff",
	"gif": lambda c: c[:6] in (b"GIF87a", b"GIF89a"),
	"webp": _is_webp,
	"zip": lambda c: c[:4] in (b"PK\x03\x04", b"PK\x05\x06"),
	"stl": _is_stl,
	"ply": lambda c: c[:4] == b"ply\n" or c[:5] == b"ply\r\n",
	"dcm": _is_dicom,
}
