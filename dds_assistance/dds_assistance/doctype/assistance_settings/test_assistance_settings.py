# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

from datetime import date, datetime
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase

from dds_assistance.context.business_calendar import (
	CALENDAR_CACHE_KEY,
	add_business_days,
	add_business_hours,
	business_hours_between,
	get_business_calendar,
)
from dds_assistance.core.business_time import french_public_holidays
from dds_assistance.integrations.holiday_list import HOLIDAY_LIST_NAME, ensure_holiday_years
from dds_assistance.jobs.deadlines import recompute_open_deadlines
from dds_assistance.jobs.holidays import extend_holiday_list
from dds_assistance.samples import testing
from dds_assistance.setup import install


class TestInstall(FrappeTestCase):
	def test_roles_created_with_the_right_desk_access(self):
		for role in ("Assistance Agent", "Assistance Technician", "Assistance Manager"):
			self.assertEqual(frappe.db.get_value("Role", role, "desk_access"), 1, role)
		self.assertEqual(frappe.db.get_value("Role", "Assistance Client", "desk_access"), 0)

	def test_r_time_2_holiday_list_covers_this_year_and_next_with_french_holidays(self):
		this_year = frappe.utils.getdate().year
		doc = frappe.get_doc("Holiday List", HOLIDAY_LIST_NAME)
		self.assertEqual(doc.country, "FR")
		self.assertLessEqual(doc.from_date, date(this_year, 1, 1))
		self.assertGreaterEqual(doc.to_date, date(this_year + 1, 12, 31))
		listed = {frappe.utils.getdate(row.holiday_date) for row in doc.holidays}
		for year in (this_year, this_year + 1):
			expected = set(french_public_holidays(year))
			self.assertEqual({d for d in listed if d.year == year}, expected, year)

	def test_default_settings(self):
		settings = frappe.get_single("Assistance Settings")
		self.assertEqual(settings.holiday_list, HOLIDAY_LIST_NAME)
		self.assertEqual(settings.time_zone, "Europe/Paris")
		self.assertEqual(settings.first_response_hours, 4)
		self.assertEqual(settings.request_window_hours, 24)
		self.assertEqual(settings.complaint_ack_days, 5)
		self.assertEqual(settings.ticket_price, 100)
		self.assertEqual(settings.support_email, "support@3ddentalstore.fr")
		self.assertEqual(len(settings.opening_windows), 10)

	def test_uninstall_removes_what_install_added_and_install_restores_it(self):
		try:
			install.before_uninstall()
			for role in install.ROLES:
				self.assertFalse(frappe.db.exists("Role", role), role)
			self.assertFalse(frappe.db.exists("Holiday List", HOLIDAY_LIST_NAME))
			self.assertFalse(frappe.db.sql("select 1 from tabSingles where doctype = 'Assistance Settings'"))
		finally:
			frappe.clear_document_cache("Assistance Settings", "Assistance Settings")
			install.after_install()
		self.assertTrue(frappe.db.exists("Holiday List", HOLIDAY_LIST_NAME))
		self.assertEqual(frappe.db.get_single_value("Assistance Settings", "holiday_list"), HOLIDAY_LIST_NAME)
		self.assertTrue(frappe.db.exists("Role", "Assistance Manager"))


class TestAssistanceSettings(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		testing.ensure_system_time_zone()

	def setUp(self):
		frappe.set_user("Administrator")
		self.settings = frappe.get_single("Assistance Settings")

	def tearDown(self):
		frappe.db.rollback()
		frappe.clear_document_cache("Assistance Settings", "Assistance Settings")
		frappe.cache.delete_value(CALENDAR_CACHE_KEY)

	def assertRefused(self, message_part):
		with self.assertRaises(frappe.ValidationError) as caught:
			self.settings.save()
		self.assertIn(message_part, str(caught.exception))

	def test_window_ending_before_it_starts_is_refused(self):
		self.settings.opening_windows[0].end_time = "08:00:00"
		self.assertRefused("must close after it opens")

	def test_overlapping_windows_are_refused(self):
		self.settings.append(
			"opening_windows", {"weekday": "Monday", "start_time": "12:00", "end_time": "15:00"}
		)
		self.assertRefused("overlaps")

	def test_no_window_is_refused(self):
		self.settings.opening_windows = []
		self.assertRefused("at least one opening window")

	def test_unknown_time_zone_is_refused(self):
		self.settings.time_zone = "Mars/Olympus"
		self.assertRefused("Mars/Olympus")

	def test_zero_first_response_is_refused(self):
		self.settings.first_response_hours = 0
		self.assertRefused("greater than zero")

	def test_refusal_is_translated_to_french(self):
		self.settings.opening_windows = []
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as caught:
				self.settings.save()
			self.assertIn("Ajoutez au moins une plage d'ouverture", str(caught.exception))
		finally:
			frappe.local.lang = "en"

	def test_r_time_3_calendar_built_from_settings(self):
		# Friday 17:00 + 4 business hours → Monday 12:30 (R-TIME-3)
		self.assertEqual(add_business_hours("2026-11-27 17:00:00", 4), datetime(2026, 11, 30, 12, 30))
		self.assertEqual(add_business_days("2026-11-25 10:00:00", 5), datetime(2026, 12, 2, 17, 30))
		self.assertEqual(
			business_hours_between("2026-11-23 09:00", "2026-11-24 09:00").total_seconds(), 7 * 3600
		)

	def test_changing_windows_invalidates_the_calendar(self):
		get_business_calendar()
		self.settings.opening_windows = []
		for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
			self.settings.append(
				"opening_windows", {"weekday": day, "start_time": "08:00", "end_time": "18:00"}
			)
		self.settings.save()
		self.assertEqual(add_business_hours("2026-11-27 17:00:00", 4), datetime(2026, 11, 30, 11, 0))

	def test_r_time_2_closure_day_added_to_holiday_list_is_used(self):
		self.assertEqual(add_business_hours("2026-11-27 17:00:00", 4), datetime(2026, 11, 30, 12, 30))
		holiday_list = frappe.get_doc("Holiday List", HOLIDAY_LIST_NAME)
		holiday_list.append("holidays", {"holiday_date": "2026-11-30", "description": "Fermeture"})
		holiday_list.save()
		self.assertEqual(add_business_hours("2026-11-27 17:00:00", 4), datetime(2026, 12, 1, 12, 30))

	def test_r_time_2_a_holiday_list_covering_part_of_a_year_keeps_its_other_holidays(self):
		partial = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": f"Partielle {frappe.generate_hash(length=6)}",
				"from_date": "2026-07-01",
				"to_date": "2027-12-31",
				"holidays": [{"holiday_date": "2026-07-14", "description": "Fête nationale"}],
			}
		).insert()
		self.settings.holiday_list = partial.name
		self.settings.save()
		# 1 May 2026 (before the list's period) stays a public holiday: Thursday 17:00 + 1 h → Monday 4 May
		self.assertEqual(add_business_hours("2026-04-30 17:00:00", 1), datetime(2026, 5, 4, 9, 30))
		self.assertEqual(add_business_hours("2026-07-13 17:00:00", 1), datetime(2026, 7, 15, 9, 30))

	def test_r_tkt_3_a_tax_template_adding_vat_on_top_of_the_price_is_refused(self):
		testing.ensure_assistance_setup()
		template = frappe.copy_doc(
			frappe.get_doc("Sales Taxes and Charges Template", self.settings.sales_taxes_template)
		)
		template.title = f"TVA en sus {frappe.generate_hash(length=5)}"
		template.taxes[0].included_in_print_rate = 0
		template.insert()
		self.settings.reload()
		self.settings.sales_taxes_template = template.name
		self.assertRefused("includes VAT")

	def test_r_time_5_system_time_zone_other_than_the_calendar(self):
		# naive values are system time: with a UTC system, Paris 17:00 CET is 16:00
		system = frappe.db.get_single_value("System Settings", "time_zone")
		frappe.db.set_single_value("System Settings", "time_zone", "UTC")
		frappe.clear_cache()
		try:
			self.assertEqual(add_business_hours("2026-11-27 16:00:00", 4), datetime(2026, 11, 30, 11, 30))
		finally:
			frappe.db.set_single_value("System Settings", "time_zone", system)
			frappe.clear_cache()


class TestHolidayListJob(FrappeTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.cache.delete_value(CALENDAR_CACHE_KEY)

	def test_r_time_2_daily_job_keeps_next_year_and_is_idempotent(self):
		this_year = frappe.utils.getdate().year
		with self.freeze_time(datetime(this_year + 1, 1, 2, 6, 0)):
			extend_holiday_list()
			doc = frappe.get_doc("Holiday List", HOLIDAY_LIST_NAME)
			self.assertEqual(doc.to_date, date(this_year + 2, 12, 31))
			listed = {frappe.utils.getdate(row.holiday_date) for row in doc.holidays}
			self.assertTrue(set(french_public_holidays(this_year + 2)) <= listed)
			modified, count = doc.modified, len(doc.holidays)
			extend_holiday_list()
			again = frappe.get_doc("Holiday List", HOLIDAY_LIST_NAME)
			self.assertEqual((again.modified, len(again.holidays)), (modified, count))

	def test_list_without_country_is_extended_from_the_core(self):
		name = "DDS Test closures"
		doc = frappe.get_doc(
			{
				"doctype": "Holiday List",
				"holiday_list_name": name,
				"from_date": "2026-01-01",
				"to_date": "2026-12-31",
				"holidays": [{"holiday_date": "2026-08-10", "description": "Fermeture estivale"}],
			}
		).insert()
		ensure_holiday_years(doc.name, through_year=2027)
		doc.reload()
		listed = {frappe.utils.getdate(row.holiday_date) for row in doc.holidays}
		self.assertIn(date(2026, 8, 10), listed)
		self.assertTrue(set(french_public_holidays(2027)) <= listed)


class TestCalendarChangesMoveDeadlines(testing.AssistanceTestCase):
	"""R-TIME-5: a closure added to the calendar's Holiday List moves the pending due
	times it touches, once, each change recorded on the ticket with its cause."""

	client_prefix = "Labo Calendrier"
	CLOSURE = "2027-03-08"  # a Monday the calendar's list covers

	def holidays(self):
		return frappe.get_doc(
			"Holiday List", frappe.db.get_single_value("Assistance Settings", "holiday_list")
		)

	def change_calendar(self, change):
		"""Make the change, then run the job it enqueued, as a worker would."""
		with patch("frappe.enqueue") as enqueue:
			change()
		self.assertEqual(enqueue.call_args.args[0], "dds_assistance.jobs.deadlines.recompute_open_deadlines")
		frappe.db.commit()
		kwargs = testing.job_arguments(enqueue.call_args)
		return recompute_open_deadlines(**kwargs), kwargs

	def test_r_time_5_a_closure_recomputes_open_tickets_once_and_records_why(self):
		with self.freeze_time(f"{self.CLOSURE} 08:00:00"):
			ticket = self.ticket(received_at=f"{self.CLOSURE} 08:00:00")
		self.assertEqual(ticket.response_due, datetime(2027, 3, 8, 14, 30))
		frappe.db.commit()

		def close():
			holidays = self.holidays()
			holidays.append(
				"holidays", {"holiday_date": self.CLOSURE, "description": "Fermeture exceptionnelle"}
			)
			holidays.save()

		def reopen():
			holidays = self.holidays()
			holidays.holidays = [h for h in holidays.holidays if str(h.holiday_date) != self.CLOSURE]
			holidays.save()

		try:
			moved, kwargs = self.change_calendar(close)
			self.assertIn(ticket.name, moved["tickets"])
			doc = frappe.get_doc("Assistance Ticket", ticket.name)
			self.assertEqual(doc.response_due, datetime(2027, 3, 9, 14, 30))
			self.assertEqual(len(doc.deadline_changes), 1)
			change = doc.deadline_changes[0]
			self.assertEqual(
				(change.previous_due, change.new_due), (datetime(2027, 3, 8, 14, 30), doc.response_due)
			)
			self.assertIn(
				doc.deadline_changes[0].source_name,
				frappe.db.get_value("Assistance Calendar Change", kwargs["change"], "reason"),
			)
			# run twice: nothing more
			self.assertNotIn(ticket.name, recompute_open_deadlines(**kwargs)["tickets"])
			self.assertEqual(len(frappe.get_doc("Assistance Ticket", ticket.name).deadline_changes), 1)
		finally:
			self.change_calendar(reopen)
		self.assertEqual(
			frappe.db.get_value("Assistance Ticket", ticket.name, "response_due"),
			datetime(2027, 3, 8, 14, 30),
		)
