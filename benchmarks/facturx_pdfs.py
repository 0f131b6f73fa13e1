"""Factur-X benchmark: the e-invoice PDF of a ticket invoice, end to end.

From a realistic one-page printed invoice (rendered by wkhtmltopdf when it is
installed, as Frappe prints, else by Ghostscript), prints:
- the time of each step for one invoice: the EN 16931 XML, the PDF/A-3
  conversion by Ghostscript, the embedding of the XML by factur-x (with its XSD
  check and the metadata pass), and the whole (median of sequential runs);
- the time to make 1 000 of them (each with its own number) on a pool of
  processes, and the rate;
- whether every one is PDF/A-3 and gives back its own XML.

    python benchmarks/facturx_pdfs.py [--count 1000] [--workers 2] [--sequential 20]

This is a benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

# (no module of this folder is named like a library it imports: ``facturx`` is the factur-x library)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum import luhn  # noqa: E402

from dds_assistance.core import cii_xml, en16931
from dds_assistance.integrations import facturx_pdf  # noqa: E402

SELLER_SIREN = "82345678" + luhn.calc_check_digit("82345678")
BUYER_SIREN = "51234567" + luhn.calc_check_digit("51234567")

PRINT = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><style>
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 12px; color: #222; margin: 30px; }}
h1 {{ color: #1f4e8c; font-size: 22px; }} table {{ width: 100%; border-collapse: collapse; margin-top: 16px; }}
td, th {{ border-bottom: 1px solid #ccc; padding: 6px; text-align: left; }} .r {{ text-align: right; }}
.totals {{ width: 45%; margin-left: 55%; }} .box {{ background: #eef3fa; padding: 10px; margin-top: 20px; }}
</style></head><body>
<h1>Facture {number}</h1>
<p><b>3D Dental Store SAS</b><br>75 route de Lyons-la-Forêt, 76000 Rouen<br>
SIREN {seller_siren} — TVA {seller_vat}<br>02 30 32 24 03 — support@3ddentalstore.fr</p>
<p>Client : <b>Laboratoire Dupont &amp; Fils</b><br>12 rue de la Paix, Bâtiment B, 75002 Paris<br>
SIREN {buyer_siren} — TVA {buyer_vat}</p>
<p>Date : {issued} — Échéance : {issued} — Ticket : TKT-00042</p>
<table><tr><th>Désignation</th><th class="r">Qté</th><th class="r">PU HT</th><th class="r">TVA</th>
<th class="r">Total HT</th></tr>
<tr><td>Assistance exocad — ticket TKT-00042 : export STL d'une couronne</td><td class="r">1</td>
<td class="r">83,33 €</td><td class="r">20 %</td><td class="r">83,33 €</td></tr></table>
<table class="totals"><tr><td>Total HT</td><td class="r">83,33 €</td></tr>
<tr><td>TVA 20 %</td><td class="r">16,67 €</td></tr><tr><td><b>Total TTC</b></td><td class="r"><b>100,00 €</b></td></tr>
</table>
<div class="box">Pénalités de retard : trois fois le taux d'intérêt légal, exigibles dès le lendemain de l'échéance.
Indemnité forfaitaire pour frais de recouvrement : 40 €. Pas d'escompte pour paiement anticipé.
TVA acquittée sur les encaissements.<br>Règlement par virement : IBAN FR76 3000 6000 0112 3456 7890 189 —
BIC AGRIFRPP — référence {number}</div>
</body></html>
"""

POSTSCRIPT = """%!PS
/Helvetica-Bold findfont 20 scalefont setfont 50 780 moveto (Facture {number}) show
/Helvetica findfont 11 scalefont setfont
50 750 moveto (3D Dental Store SAS - 75 route de Lyons-la-Foret, 76000 Rouen) show
50 735 moveto (Client : Laboratoire Dupont & Fils - 12 rue de la Paix, 75002 Paris) show
50 700 moveto (Assistance exocad - ticket TKT-00042       1 x 83,33 EUR HT       83,33 EUR) show
350 670 moveto (Total HT 83,33 EUR) show 350 655 moveto (TVA 20 % 16,67 EUR) show
350 640 moveto (Total TTC 100,00 EUR) show
0.93 0.95 0.98 setrgbcolor 45 560 505 60 rectfill 0 setgray
50 600 moveto (Penalites de retard : trois fois le taux d'interet legal. Indemnite forfaitaire 40 EUR.) show
50 585 moveto (IBAN FR76 3000 6000 0112 3456 7890 189 - BIC AGRIFRPP) show
showpage
"""


def invoice(index: int) -> en16931.Invoice:
	issued = date(2026, 1, 2) + timedelta(days=index % 300)
	return en16931.Invoice(
		number=f"ACC-SINV-2026-{index:05d}",
		issue_date=issued,
		seller=en16931.Party(
			"3D Dental Store SAS",
			SELLER_SIREN,
			SELLER_SIREN + "0001" + luhn.calc_check_digit(SELLER_SIREN + "0001"),
			en16931.french_vat_number(SELLER_SIREN),
			["75 route de Lyons-la-Forêt"],
			"76000",
			"Rouen",
			"FR",
			"support@3ddentalstore.fr",
		),
		buyer=en16931.Party(
			"Laboratoire Dupont & Fils",
			BUYER_SIREN,
			None,
			en16931.french_vat_number(BUYER_SIREN),
			["12 rue de la Paix", "Bâtiment B"],
			"75002",
			"Paris",
			"FR",
		),
		lines=[
			en16931.Line("1", "exocad assistance — ticket TKT-00042", 1, "83.33", "83.33", item_code="ASSIST")
		],
		net_total="83.33",
		tax_total="16.67",
		grand_total="100.00",
		due_date=issued,
		payment_terms="Payable on receipt by bank transfer.",
		buyer_reference=f"TKT-{index:05d}",
		seller_iban="FR7630006000011234567890189",
		seller_bic="AGRIFRPP",
		notes=en16931.french_legal_notes(),
		delivery_date=issued,
	)


def printed_invoice() -> tuple[bytes, str]:
	"""A one-page printed invoice and what made it."""
	values = dict(
		number="ACC-SINV-2026-00001",
		issued="02/03/2026",
		seller_siren=SELLER_SIREN,
		seller_vat=en16931.french_vat_number(SELLER_SIREN),
		buyer_siren=BUYER_SIREN,
		buyer_vat=en16931.french_vat_number(BUYER_SIREN),
	)
	with tempfile.TemporaryDirectory() as folder:
		target = os.path.join(folder, "invoice.pdf")
		if shutil.which("wkhtmltopdf"):
			source = os.path.join(folder, "invoice.html")
			Path(source).write_text(PRINT.format(**values), encoding="utf-8")
			command = ["wkhtmltopdf", "-q", "--encoding", "utf-8", "--page-size", "A4", source, target]
			made_by = "wkhtmltopdf"
		elif shutil.which("gs"):
			source = os.path.join(folder, "invoice.ps")
			Path(source).write_text(POSTSCRIPT.format(**values), encoding="latin-1")
			command = [
				"gs",
				"-q",
				"-dBATCH",
				"-dNOPAUSE",
				"-sDEVICE=pdfwrite",
				f"-sOutputFile={target}",
				source,
			]
			made_by = "Ghostscript"
		else:
			sys.exit("Neither wkhtmltopdf nor Ghostscript is installed: no printed invoice to start from.")
		subprocess.run(command, check=True, capture_output=True, timeout=120)
		return Path(target).read_bytes(), made_by


def one(args) -> tuple[int, bytes]:
	index, pdf = args
	xml = cii_xml.build_cii_xml(invoice(index))
	return index, facturx_pdf.make_facturx_pdf(pdf, xml)


def timed(func, *args):
	began = time.perf_counter()
	result = func(*args)
	return time.perf_counter() - began, result


def median_ms(func, runs: int, *args) -> float:
	return statistics.median(timed(func, *args)[0] for _ in range(runs)) * 1000


def cpu_seconds() -> float:
	"""CPU time of this process and of its finished children (Ghostscript)."""
	times = os.times()
	return times.user + times.system + times.children_user + times.children_system


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--count", type=int, default=1000)
	parser.add_argument("--workers", type=int, default=2)
	parser.add_argument("--sequential", type=int, default=20, help="runs for the per-step medians")
	args = parser.parse_args()

	pdf, made_by = printed_invoice()
	gs = facturx_pdf.find_ghostscript()
	print(f"printed invoice: one page, {len(pdf) / 1024:.1f} KiB, made by {made_by}")
	print(f"Ghostscript: {gs or 'not installed (no PDF/A-3)'}; {os.cpu_count()} CPU(s)")

	xml = cii_xml.build_cii_xml(invoice(1))
	pdfa = facturx_pdf.to_pdfa3(pdf) if gs else pdf
	steps = [
		("EN 16931 XML (validate + build)", median_ms(cii_xml.build_cii_xml, args.sequential, invoice(1))),
	]
	if gs:
		steps.append(("PDF/A-3 by Ghostscript", median_ms(facturx_pdf.to_pdfa3, args.sequential, pdf)))
	steps.append(
		(
			"embed XML (XSD check, XMP, metadata pass)",
			median_ms(lambda: facturx_pdf.build_facturx_pdf(pdfa, xml, pdfa=False), args.sequential),
		)
	)
	whole = median_ms(one, args.sequential, (1, pdf))
	cpu_began = cpu_seconds()
	for index in range(args.sequential):
		one((index, pdf))
	cpu_each = (cpu_seconds() - cpu_began) / args.sequential * 1000
	print(f"\none Factur-X PDF, median of {args.sequential} sequential runs:")
	for label, ms in steps:
		print(f"  {label:<44} {ms:8.1f} ms")
	print(f"  {'whole (XML + PDF/A-3 + embedding)':<44} {whole:8.1f} ms")
	print(f"  {'CPU time of the whole, Ghostscript included':<44} {cpu_each:8.1f} ms")
	print(f"  (load average when measured: {os.getloadavg()[0]:.2f})")

	jobs = [(index, pdf) for index in range(1, args.count + 1)]
	began = time.perf_counter()
	with ProcessPoolExecutor(max_workers=args.workers) as pool:
		results = list(pool.map(one, jobs, chunksize=10))
	elapsed = time.perf_counter() - began
	print(f"\n{args.count} Factur-X PDFs on {args.workers} processes:")
	print(
		f"  total {elapsed:8.1f} s   ({args.count / elapsed:.1f} per second, {elapsed / args.count * 1000:.1f} ms each)"
	)
	print(f"  sequential estimate {whole * args.count / 1000:8.1f} s")
	print(
		f"  (load average after: {os.getloadavg()[0]:.2f}; the figures assume the machine is otherwise idle)"
	)

	pdfa_count = own_xml = 0
	sizes = []
	for index, made in results:
		content = facturx_pdf.read_facturx_pdf(made)
		pdfa_count += content.pdfa_part == "3" and content.output_intent
		own_xml += (
			bool(content.xml) and cii_xml.read_totals(content.xml).number == f"ACC-SINV-2026-{index:05d}"
		)
		sizes.append(len(made))
	print(f"  PDF/A-3 with output intent: {pdfa_count}/{args.count}")
	print(f"  giving back their own XML (en16931): {own_xml}/{args.count}")
	print(f"  size: median {statistics.median(sizes) / 1024:.1f} KiB")


if __name__ == "__main__":
	main()
