import frappe

from dds_assistance import portal
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "My Requests", "requests", portal.my_overview, frappe.form_dict.get("start"))
