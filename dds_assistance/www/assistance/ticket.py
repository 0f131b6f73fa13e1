import frappe

from dds_assistance import portal
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "My Request", "requests", portal.ticket_detail, frappe.form_dict.name)
