import frappe

from dds_assistance.web import portal_reads
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "My Request", "requests", portal_reads.ticket_detail, frappe.form_dict.name)
