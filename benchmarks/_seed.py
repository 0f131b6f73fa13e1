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
	"""Cancel, then delete, the Sales Invoices a benchmark made — with their ledger
	rows (ERPNext's own "delete linked ledger entries", on for the removal only):
	deleting the last invoice of a series hands its number out again, and the next
	invoice of that number must not find the old one's GL entries."""
	setting = ("Accounts Settings", "delete_linked_ledger_entries")
	before = frappe.db.get_single_value(*setting)
	frappe.db.set_single_value(*setting, 1)
	try:
		for name in names:
			invoice = frappe.get_doc("Sales Invoice", name)
			if invoice.docstatus == 1:
				invoice.cancel()
			frappe.delete_doc("Sales Invoice", name, force=True, ignore_permissions=True)
	finally:
		frappe.db.set_single_value(*setting, before)
