"""Factur-X through Frappe: the time to issue one e-invoice on a bench site.

For a ticket invoice of the sample company, prints the median time of each step
of what the Factur-X worker does (``integrations.einvoice.complete_facturx``): the invoice
described for the core, the EN 16931 XML, the print format "DDS Facture" rendered
(Jinja), wkhtmltopdf, the PDF/A-3 conversion and embedding (Ghostscript,
factur-x), and the whole with the File attached — then a ticket's acceptance as
the request now runs it (the PDF left to a worker) and with the PDF made in the
same transaction, as before. Everything it makes is removed (the
transaction is rolled back; the files it wrote are deleted).

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/app/benchmarks/einvoice_site.py --site SITE [--runs 10]

The figures for many invoices are those of ``benchmarks/facturx_pdfs.py`` (no site
needed): the print is the part Frappe adds. This is a benchmark, not a test.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def median_ms(func, runs: int) -> float:
	times = []
	for _ in range(runs):
		began = time.perf_counter()
		func()
		times.append(time.perf_counter() - began)
	return statistics.median(times) * 1000


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--runs", type=int, default=10)
	args = parser.parse_args()

	import frappe

	frappe.init(site=args.site, sites_path=args.sites_path)
	frappe.connect()
	frappe.set_user("Administrator")
	frappe.flags.mute_emails = True
	from frappe.utils.pdf import get_pdf

	from dds_assistance.core import cii_xml
	from dds_assistance.integrations import einvoice, facturx_pdf
	from dds_assistance.samples import testing

	files = []
	try:
		testing.ensure_assistance_setup()
		customer = testing.ensure_customer("Labo Banc Factur-X", "C-BFX01")
		invoice = frappe.get_doc("Sales Invoice", testing.make_ticket(customer).accept()["sales_invoice"])
		files.append(einvoice.facturx_file(invoice.name))

		html = einvoice.printed_html(invoice)
		printed = einvoice.printed_pdf(invoice)
		xml = cii_xml.build_cii_xml(einvoice.einvoice_of(invoice))

		def attach():
			files.append(einvoice.attach_facturx(invoice))

		steps = [
			("Sales Invoice -> core Invoice", median_ms(lambda: einvoice.einvoice_of(invoice), args.runs)),
			(
				"EN 16931 XML (validate + build)",
				median_ms(lambda: cii_xml.build_cii_xml(einvoice.einvoice_of(invoice)), args.runs),
			),
			(
				"print format rendered (Jinja, French)",
				median_ms(lambda: einvoice.printed_html(invoice), args.runs),
			),
			(
				"wkhtmltopdf, the app's options",
				median_ms(lambda: get_pdf(html, options=dict(einvoice.PDF_OPTIONS)), args.runs),
			),
			("wkhtmltopdf, Frappe's (script delay)", median_ms(lambda: get_pdf(html), args.runs)),
			(
				"PDF/A-3 (Ghostscript) + XML embedded",
				median_ms(lambda: facturx_pdf.build_facturx_pdf(printed, xml), args.runs),
			),
			("whole: attach_facturx (File included)", median_ms(attach, args.runs)),
		]
		assert (
			facturx_pdf.read_facturx_pdf(
				frappe.get_doc("File", einvoice.facturx_file(invoice.name)).get_content()
			).pdfa_part
			== "3"
		)

		def accept(with_einvoice: bool):
			"""The accept as the request runs it (the e-invoice checked, its PDF queued);
			with ``with_einvoice``, the worker's part done in the same transaction too, as
			the request did before the PDF went to the workers."""
			name = testing.make_ticket(customer).accept()["sales_invoice"]
			if with_einvoice:
				files.append(einvoice.complete_facturx(name))

		with_e = median_ms(lambda: accept(True), args.runs)
		without = median_ms(lambda: accept(False), args.runs)
		print(f"one Factur-X e-invoice through Frappe on {args.site}, median of {args.runs} runs:")
		for label, ms in steps:
			print(f"  {label:<44} {ms:8.1f} ms")
		print(
			f"  {'ticket accepted, invoice submitted':<44} {without:8.1f} ms, its Factur-X left to a worker"
		)
		print(f"  {'':<44} {with_e:8.1f} ms with it made in the request (+{with_e - without:.1f} ms)")
		print(f"  ({os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f})")
	finally:
		for name in {f for f in files if f}:
			if frappe.db.exists("File", name):
				frappe.delete_doc("File", name, ignore_permissions=True, force=True)  # its file on disk too
		frappe.db.rollback()
		frappe.destroy()


if __name__ == "__main__":
	main()
