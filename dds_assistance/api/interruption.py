"""Desk doors on a Planned Interruption (R-AVAIL-1, R-AVAIL-2): managers only."""

import frappe
from frappe import _

from dds_assistance.api._common import locked_doc
from dds_assistance.context.staff import require_manager
from dds_assistance.web.endpoints import endpoint

INTERRUPTION = "Planned Interruption"


@endpoint(methods=["POST"])
def announce(interruption: str) -> dict:
	"""Tell the clients and close the calendar for the interruption."""
	require_manager(_("Only an Assistance Manager can announce an interruption."))
	return locked_doc(INTERRUPTION, interruption).announce()


@endpoint(methods=["POST"])
def cancel(interruption: str, note: str | None = None) -> dict:
	"""Tell the same clients it is off, and open the calendar again."""
	require_manager(_("Only an Assistance Manager can cancel an interruption."))
	return locked_doc(INTERRUPTION, interruption).cancel_interruption(note)
