from dds_assistance.web import portal_reads
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "New Request", "new", portal_reads.new_request_context)
