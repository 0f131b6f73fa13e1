"""Daily: keep next year's public holidays in the calendar's Holiday List (R-TIME-2).
Idempotent: nothing is written once the list covers next year."""

import frappe

from dds_assistance.background.runner import for_each
from dds_assistance.integrations.holiday_list import ensure_holiday_years


def extend_holiday_list():
	holiday_list = frappe.db.get_single_value("Assistance Settings", "holiday_list") or None
	for_each([holiday_list], ensure_holiday_years, "DDS Assistance: holiday list {0} could not be extended")
