"""Factur-X PDF: the printed invoice made PDF/A-3 and carrying its EN 16931 XML.

Framework-free. The printed invoice (the Sales Invoice's print, made by
wkhtmltopdf) is converted to PDF/A-3B by Ghostscript with an sRGB output intent,
then the XML (``dds_assistance.core.cii_xml.build_cii_xml``) is embedded as
``factur-x.xml`` by the ``factur-x`` library, which also writes the Factur-X XMP
metadata. A last pass makes the document information dictionary say exactly what
the XMP says (PDF/A requires both to agree; factur-x 3.6 leaves the producer of
the source PDF and spells its own name differently in the two places).

Without Ghostscript, or when it fails, the XML is still embedded in the PDF as
it is and the result says so (``FacturXPdf.pdfa`` is False, a warning is
logged): issuing an invoice never fails for want of a PDF/A conversion.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

import facturx
from lxml import etree
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, create_string_object

logger = logging.getLogger(__name__)
# the library logs every step at INFO; its warnings and errors are enough here
logging.getLogger("factur-x").setLevel(logging.WARNING)

FLAVOR = "factur-x"
LEVEL = "en16931"
XML_FILENAME = "factur-x.xml"
ICC_PROFILE_GLOB = "/usr/share/ghostscript/*/iccprofiles/srgb.icc"

NO_GHOSTSCRIPT = "Ghostscript (gs) is not installed: the Factur-X PDF is not PDF/A-3."
GHOSTSCRIPT_FAILED = "The PDF/A-3 conversion failed ({0}): the Factur-X PDF is not PDF/A-3."

TITLE_INVOICE = "{0}: Invoice {1}"
TITLE_CREDIT_NOTE = "{0}: Credit Note {1}"
SUBJECT_INVOICE = "Invoice {0} dated {1} issued by {2}"
SUBJECT_CREDIT_NOTE = "Credit Note {0} dated {1} issued by {2}"

_XMP_NS = {
	"x": "adobe:ns:meta/",
	"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
	"dc": "http://purl.org/dc/elements/1.1/",
	"pdf": "http://ns.adobe.com/pdf/1.3/",
	"xmp": "http://ns.adobe.com/xap/1.0/",
	"pdfaid": "http://www.aiim.org/pdfa/ns/id/",
	"fx": "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#",
}


class GhostscriptError(RuntimeError):
	"""Ghostscript could not make a PDF/A-3 of the document."""


@dataclass(frozen=True)
class FacturXPdf:
	pdf: bytes
	pdfa: bool  # made PDF/A-3B by Ghostscript
	warning: str | None = None  # why it is not, in English


@dataclass(frozen=True)
class FacturXContent:
	"""What a Factur-X PDF carries, as a receiver reads it."""

	filename: str | None
	xml: bytes | None
	level: str | None  # of the XML's guideline, e.g. "en16931"
	xmp_conformance_level: str | None  # fx:ConformanceLevel, e.g. "EN 16931"
	pdfa_part: str | None  # pdfaid:part declared by the XMP
	pdfa_conformance: str | None
	output_intent: bool  # an output intent GTS_PDFA1 with an ICC profile


# ------------------------------------------------------------------------ Ghostscript
def find_ghostscript() -> str | None:
	return shutil.which("gs")


def find_icc_profile() -> str | None:
	"""Ghostscript's own sRGB profile (the newest installed version's)."""
	found = sorted(glob.glob(ICC_PROFILE_GLOB))
	return found[-1] if found else None


def _ps_string(text: str) -> str:
	return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _pdfa_definition(icc_profile: str) -> str:
	"""The PostScript prologue that gives the PDF/A output its sRGB output intent."""
	return f"""%!
/ICCProfile {_ps_string(icc_profile)} def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent
  /S /GTS_PDFA1
  /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB)
  /Info (sRGB IEC61966-2.1)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def to_pdfa3(
	pdf_bytes: bytes, *, gs: str | None = None, icc_profile: str | None = None, timeout: float = 120
) -> bytes:
	"""The PDF converted to PDF/A-3B by Ghostscript (colours converted to RGB, fonts
	embedded, sRGB output intent). Raises :class:`GhostscriptError`."""
	gs = gs or find_ghostscript()
	if not gs:
		raise GhostscriptError("gs not found")
	icc_profile = icc_profile or find_icc_profile()
	if not icc_profile or not os.path.exists(icc_profile):
		raise GhostscriptError("sRGB ICC profile not found")
	with tempfile.TemporaryDirectory(prefix="facturx-") as folder:
		source = os.path.join(folder, "in.pdf")
		target = os.path.join(folder, "out.pdf")
		definition = os.path.join(folder, "PDFA_def.ps")  # an absolute path: gs's own one has the same name
		with open(source, "wb") as f:
			f.write(pdf_bytes)
		with open(definition, "w", encoding="utf-8") as f:
			f.write(_pdfa_definition(icc_profile))
		command = [
			gs,
			"-q",
			"-dPDFA=3",
			"-dBATCH",
			"-dNOPAUSE",
			"-dNOOUTERSAVE",
			"-dSAFER",
			f"--permit-file-read={icc_profile}",
			"-dPDFACompatibilityPolicy=1",
			"-sColorConversionStrategy=RGB",
			"-sDEVICE=pdfwrite",
			f"-sOutputFile={target}",
			definition,
			source,
		]
		try:
			run = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
		except (OSError, subprocess.TimeoutExpired) as error:
			raise GhostscriptError(str(error))
		output = (run.stdout + run.stderr).decode("utf-8", "replace").strip()
		if run.returncode != 0 or not os.path.exists(target) or not os.path.getsize(target):
			raise GhostscriptError(f"exit code {run.returncode}: {output[-500:]}")
		if "PDF/A processing aborted" in output:
			raise GhostscriptError(output[-500:])
		with open(target, "rb") as f:
			return f.read()


# ---------------------------------------------------------------------------- metadata
def default_pdf_metadata(xml_bytes: bytes, translate: Callable[[str], str] = str) -> dict:
	"""Title, author and subject of the PDF from the XML: the seller, the number, the
	date. ``translate`` is the app's translation function."""
	ns = facturx.get_xml_namespaces(FLAVOR)
	root = etree.fromstring(xml_bytes)

	def text(path: str) -> str:
		found = root.xpath(path, namespaces=ns)
		return (found[0].text or "").strip() if found else ""

	number = text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID")
	issued = text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
	seller = text("//ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty/ram:Name")
	credit_note = text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") == "381"
	try:
		issued = datetime.strptime(issued, "%Y%m%d").strftime("%Y-%m-%d")
	except ValueError:
		pass
	title = translate(TITLE_CREDIT_NOTE if credit_note else TITLE_INVOICE).format(seller, number)
	subject = translate(SUBJECT_CREDIT_NOTE if credit_note else SUBJECT_INVOICE).format(
		number, issued, seller
	)
	return {"author": seller, "title": title, "subject": subject}


def _pdf_date(xmp_date: str) -> str:
	"""2026-03-02T10:00:00+00:00 -> D:20260302100000+00'00' (the same instant)."""
	moment = datetime.fromisoformat(xmp_date.replace("Z", "+00:00"))
	offset = moment.strftime("%z") or "+0000"
	return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def _read_xmp(root_object) -> etree._Element | None:
	metadata = root_object.get("/Metadata")
	if metadata is None:
		return None
	try:
		return etree.fromstring(metadata.get_object().get_data())
	except etree.XMLSyntaxError:
		return None


def _has_output_intent(root_object) -> bool:
	"""A PDF/A output intent with its ICC profile in the catalog."""
	intents = root_object.get("/OutputIntents")
	if not intents:
		return False
	for intent in intents.get_object():
		intent = intent.get_object()
		if intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent:
			return True
	return False


def _xmp_text(xmp, path: str) -> str | None:
	found = xmp.xpath(path, namespaces=_XMP_NS)
	if not found:
		return None
	value = found[0] if isinstance(found[0], str) else found[0].text
	return value.strip() if value is not None else None


def _align_info_with_xmp(pdf_bytes: bytes) -> tuple[bytes, bool]:
	"""The PDF with its document information dictionary equal to its XMP metadata,
	and whether it has a PDF/A output intent."""
	reader = PdfReader(BytesIO(pdf_bytes))
	root = reader.trailer["/Root"]
	output_intent = _has_output_intent(root)
	xmp = _read_xmp(root)
	if xmp is None:
		return pdf_bytes, output_intent
	values = {
		"/Title": _xmp_text(xmp, "//dc:title/rdf:Alt/rdf:li"),
		"/Author": _xmp_text(xmp, "//dc:creator/rdf:Seq/rdf:li"),
		"/Subject": _xmp_text(xmp, "//dc:description/rdf:Alt/rdf:li"),
		"/Keywords": _xmp_text(xmp, "//pdf:Keywords | //@pdf:Keywords"),
		"/Producer": _xmp_text(xmp, "//pdf:Producer | //@pdf:Producer"),
		"/Creator": _xmp_text(xmp, "//xmp:CreatorTool | //@xmp:CreatorTool"),
		"/CreationDate": _xmp_text(xmp, "//xmp:CreateDate | //@xmp:CreateDate"),
		"/ModDate": _xmp_text(xmp, "//xmp:ModifyDate | //@xmp:ModifyDate"),
	}
	writer = PdfWriter()
	writer.clone_document_from_reader(reader)  # not clone_from=: pypdf 3.17 then drops the file /ID
	writer.pdf_header = reader.pdf_header.encode("ascii")
	# pypdf 3.17 (the version Frappe 15 pins) has no public way to remove an entry
	info = writer._info.get_object()
	for key, value in values.items():
		if value is None:
			info.pop(NameObject(key), None)
			continue
		if key in ("/CreationDate", "/ModDate"):
			try:
				value = _pdf_date(value)
			except ValueError:
				info.pop(NameObject(key), None)
				continue
		info[NameObject(key)] = create_string_object(value)
	out = BytesIO()
	writer.write(out)
	return out.getvalue(), output_intent


# -------------------------------------------------------------------------- Factur-X
def check_xml(xml_bytes: bytes) -> bool:
	"""True when the XML is valid against the Factur-X EN 16931 schema; raises the
	library's exception (its message names the problem) when it is not."""
	return facturx.xml_check_xsd(xml_bytes, flavor=FLAVOR, level=LEVEL)


def build_facturx_pdf(
	pdf_bytes: bytes,
	xml_bytes: bytes,
	*,
	lang: str = "fr-FR",
	pdf_metadata: dict | None = None,
	pdfa: bool = True,
	gs: str | None = None,
	icc_profile: str | None = None,
	timeout: float = 120,
	check_xsd: bool = True,
) -> FacturXPdf:
	"""The Factur-X EN 16931 PDF of a printed invoice and its XML, and whether it is
	PDF/A-3. ``pdf_metadata`` (title, author, subject) defaults to
	:func:`default_pdf_metadata`; ``pdfa=False`` skips the conversion."""
	warning = None
	source = pdf_bytes
	if pdfa:
		if not (gs or find_ghostscript()):
			warning = NO_GHOSTSCRIPT
		else:
			try:
				source = to_pdfa3(pdf_bytes, gs=gs, icc_profile=icc_profile, timeout=timeout)
			except GhostscriptError as error:
				warning = GHOSTSCRIPT_FAILED.format(str(error)[:300])
	metadata = pdf_metadata or default_pdf_metadata(xml_bytes)
	# factur-x 3.6 writes these into the XMP as they are: escape them for XML
	metadata = {key: escape(str(value or "")) for key, value in metadata.items()}
	embedded = facturx.generate_from_binary(
		source, xml_bytes, flavor=FLAVOR, level=LEVEL, check_xsd=check_xsd, pdf_metadata=metadata, lang=lang
	)
	result, output_intent = _align_info_with_xmp(embedded)
	if pdfa and not warning and not output_intent:
		warning = GHOSTSCRIPT_FAILED.format("no output intent")
	if warning:
		logger.warning(warning)
	return FacturXPdf(result, pdfa=output_intent and warning is None, warning=warning)


def make_facturx_pdf(pdf_bytes: bytes, xml_bytes: bytes, *, lang: str = "fr-FR", **options) -> bytes:
	"""The Factur-X PDF (bytes) — see :func:`build_facturx_pdf` for the options and
	for whether it is PDF/A-3 (a warning is logged when it is not)."""
	return build_facturx_pdf(pdf_bytes, xml_bytes, lang=lang, **options).pdf


def extract_xml(pdf_bytes: bytes, *, check_xsd: bool = True) -> tuple[str | None, bytes | None]:
	"""(file name, XML) embedded in a Factur-X PDF, (None, None) when there is none
	(or, with ``check_xsd``, none valid)."""
	return facturx.get_xml_from_pdf(pdf_bytes, check_xsd=check_xsd)


def read_facturx_pdf(pdf_bytes: bytes) -> FacturXContent:
	"""The XML, its level and the PDF/A and Factur-X declarations of a PDF."""
	filename, xml = extract_xml(pdf_bytes, check_xsd=False)
	level = None
	if xml:
		try:
			level = facturx.get_level(etree.fromstring(xml), FLAVOR)
		except Exception:
			level = None
	reader = PdfReader(BytesIO(pdf_bytes))
	root = reader.trailer["/Root"]
	output_intent = _has_output_intent(root)
	xmp = _read_xmp(root)
	return FacturXContent(
		filename=filename,
		xml=xml,
		level=level,
		xmp_conformance_level=_xmp_text(xmp, "//fx:ConformanceLevel") if xmp is not None else None,
		pdfa_part=_xmp_text(xmp, "//pdfaid:part | //@pdfaid:part") if xmp is not None else None,
		pdfa_conformance=_xmp_text(xmp, "//pdfaid:conformance | //@pdfaid:conformance")
		if xmp is not None
		else None,
		output_intent=output_intent,
	)
