"""What the benchmarks share: a connection to the bench site, bulk rows with
Frappe's standard columns, and the removal of the invoices they made."""

STANDARD_FIELDS = ("name", "creation", "modified", "owner", "modified_by", "docstatus")


def connect(site: str, sites_path: str):
	import frappe

	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	return frappe


def bulk_insert(frappe, doctype: str, fields: list[str], rows, now, chunk_size: int = 10_000) -> None:
	"""Insert ``rows`` of (name, *values of ``fields``) with the standard columns filled."""
	frappe.db.bulk_insert(
		doctype,
		[*STANDARD_FIELDS, *fields],
		[(name, now, now, "Administrator", "Administrator", 0, *values) for name, *values in rows],
		chunk_size=chunk_size,
	)


def remove_invoices(frappe, names) -> None:
	"""Cancel, then delete, the Sales Invoices a benchmark made."""
	for name in names:
		invoice = frappe.get_doc("Sales Invoice", name)
		if invoice.docstatus == 1:
			invoice.cancel()
		frappe.delete_doc("Sales Invoice", name, force=True, ignore_permissions=True)
