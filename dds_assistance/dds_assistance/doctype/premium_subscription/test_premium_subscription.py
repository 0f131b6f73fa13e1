# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Premium subscriptions lived over years on a real ERPNext site, with frozen time
(R-SUB-1 … R-SUB-6, R-TKT-1)."""

from datetime import date, datetime

import frappe

from dds_assistance.api import subscription as api
from dds_assistance.guards.refusals import RuleViolation
from dds_assistance.jobs.subscriptions import process_all
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER


class TestPremiumSubscription(testing.AssistanceTestCase):
	client_prefix = "Labo Premium"  # a client has one live plan: each test its own

	def make(self, start: date, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": start,
				"item": testing.PLAN_ITEM,
				"annual_price": 1200,
				"licence_valid_until": date(2035, 12, 31),
			}
		)
		doc.update(values)
		doc.insert()
		return frappe.get_doc("Premium Subscription", doc.name)

	def invoices(self, sub):
		return frappe.get_all(
			"Sales Invoice",
			filters={"dds_premium_subscription": sub.name, "docstatus": 1},
			fields=["name", "dds_subscription_term", "posting_date", "grand_total"],
			order_by="dds_subscription_term asc",
		)

	def at(self, moment):
		# time ticks on from the frozen instant, as it does on a site
		return self.freeze_time(moment, tick=True)

	def test_r_sub_2_r_sub_5_three_years_renewals_notice_and_end(self):
		with self.at(datetime(2026, 1, 1, 8, 0)):
			sub = self.make(date(2026, 1, 1))
			self.assertEqual((sub.status, str(sub.notice_deadline)), ("Active", "2026-12-02"))
			self.assertEqual(
				[(i.dds_subscription_term, str(i.posting_date)) for i in self.invoices(sub)],
				[(0, "2026-01-01")],
			)
		with self.at(datetime(2026, 6, 1, 3, 0)):
			process_all()
			process_all()
			self.assertEqual(len(self.invoices(sub)), 1)
		with self.at(datetime(2027, 1, 1, 3, 0)):
			process_all()
			process_all()
			self.assertEqual([i.dds_subscription_term for i in self.invoices(sub)], [0, 1])
		with self.at(datetime(2027, 11, 20, 3, 0)):  # reminder window of term 1 (deadline 2 Dec 2027)
			process_all()
			process_all()
			self.assertEqual(frappe.db.count("Email Queue", {"reference_name": sub.name}), 1)
		with self.at(datetime(2027, 11, 25, 10, 0)):
			api.give_notice(sub.name, "2027-11-25", "Letter", "Client decision")
			sub.reload()
			self.assertEqual((sub.status, str(sub.ends_on)), ("Notice Given", "2027-12-31"))
			self.assertEqual(self.ticket().coverage, "Premium")
		with self.at(datetime(2028, 1, 10, 3, 0)):  # the job did not run for ten days
			process_all()
			process_all()
			sub.reload()
			self.assertEqual(sub.status, "Ended")
			self.assertEqual([i.dds_subscription_term for i in self.invoices(sub)], [0, 1])
			self.assertEqual(self.ticket().coverage, "On-demand")

	def test_r_sub_5_ten_day_gap_invoices_the_new_term_once(self):
		with self.at(datetime(2026, 3, 1, 9, 0)):
			sub = self.make(date(2026, 3, 1))
		with self.at(datetime(2027, 3, 10, 3, 0)):
			process_all()
			process_all()
		terms = self.invoices(sub)
		self.assertEqual(
			[(i.dds_subscription_term, str(i.posting_date)) for i in terms],
			[(0, "2026-03-01"), (1, "2027-03-01")],
		)
		self.assertEqual(float(terms[1].grand_total), 1200)

	def test_r_sub_3_late_notice_ends_at_the_next_term_and_can_be_withdrawn(self):
		with self.at(datetime(2026, 12, 3, 10, 0)):
			sub = self.make(date(2026, 1, 1))
			preview = api.notice_preview(sub.name, "2026-12-03")
			self.assertEqual((str(preview["effective_end"]), preview["on_time"]), ("2027-12-31", False))
			api.give_notice(sub.name, "2026-12-03", "E-mail", "Refusal of new terms")
			sub.reload()
			self.assertEqual((str(sub.ends_on), sub.notice_reason), ("2027-12-31", "Refusal of new terms"))
			api.withdraw_notice(sub.name)
			sub.reload()
			self.assertEqual((sub.status, sub.ends_on, sub.notice_received_on), ("Active", None, None))

	def test_r_sub_3_notice_fields_cannot_be_edited_directly(self):
		with self.at(datetime(2026, 2, 1, 10, 0)):
			sub = self.make(date(2026, 1, 1))
			sub.notice_effective_end = date(2026, 6, 30)
			self.assertRaises(RuleViolation, sub.save)

	def test_r_sub_6_termination_for_breach_is_for_managers_only(self):
		with self.at(datetime(2026, 5, 5, 10, 0)):
			sub = self.make(date(2026, 1, 1))
			frappe.set_user(AGENT)
			self.assertRaises(
				frappe.PermissionError,
				api.terminate_for_breach,
				sub.name,
				"2026-05-05",
				"Reverse engineering",
			)
			frappe.set_user(MANAGER)
			result = api.terminate_for_breach(
				sub.name, "2026-05-05", "Reverse engineering of the remote tool"
			)
			self.assertEqual(result["status"], "Terminated for Breach")
			frappe.set_user("Administrator")
			self.assertEqual(self.ticket().coverage, "On-demand")
		with self.at(datetime(2027, 1, 2, 3, 0)):
			process_all()
			self.assertEqual(len(self.invoices(sub)), 1)

	def test_one_live_subscription_per_client(self):
		with self.at(datetime(2026, 1, 1, 9, 0)):
			self.make(date(2026, 1, 1))
			self.assertRaises(RuleViolation, self.make, date(2026, 2, 1))

	def test_r_tkt_1_lapsed_licence_means_on_demand_tickets(self):
		with self.at(datetime(2026, 4, 1, 10, 0)):
			self.make(date(2026, 1, 1), licence_valid_until=date(2026, 3, 31))
			self.assertEqual(self.ticket().coverage, "On-demand")

	def test_r_sub_2_a_plan_sold_without_renewal_ends_at_its_term(self):
		with self.at(datetime(2026, 6, 1, 10, 0)):
			sub = self.make(date(2026, 1, 1), auto_renew=0)
			self.assertEqual(str(sub.ends_on), "2026-12-31")
		with self.at(datetime(2027, 1, 1, 3, 0)):
			process_all()
			sub.reload()
			self.assertEqual(sub.status, "Ended")
			self.assertEqual(len(self.invoices(sub)), 1)

	def test_r_sub_3_renewal_is_not_switched_off_by_hand_past_the_notice_deadline(self):
		with self.at(datetime(2026, 12, 15, 10, 0)):  # notice deadline was 2026-12-02
			sub = self.make(date(2026, 1, 1))
			sub.auto_renew = 0
			with self.assertRaises(RuleViolation) as caught:
				sub.save()
			self.assertIn("Give Notice", str(caught.exception))
			result = api.give_notice(sub.name, "2026-12-15", "Letter")
			self.assertEqual(str(result["ends_on"]), "2027-12-31")  # late: the next term
			sub.reload()
			self.assertEqual((sub.notice_channel, str(sub.notice_received_on)), ("Letter", "2026-12-15"))
