from dds_assistance.web import portal_reads
from dds_assistance.www.assistance._page import prepare


def get_context(context):
	return prepare(context, "Direct Debit", "mandate", portal_reads.mandate_context)
