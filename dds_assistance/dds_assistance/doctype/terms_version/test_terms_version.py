# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms versions on a real ERPNext site (R-TERMS-1 … R-TERMS-3, R-SUB-4)."""

from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime
from frappe.utils.background_jobs import get_job

from dds_assistance.api import terms as api
from dds_assistance.background.runner import job_id
from dds_assistance.dds_assistance.doctype.terms_version import terms_version
from dds_assistance.dds_assistance.doctype.terms_version.terms_version import NOTICES_JOB
from dds_assistance.jobs import recovery
from dds_assistance.jobs import terms as terms_job
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER


class TestTermsVersions(testing.AssistanceTestCase):
	client_prefix = "Labo Conditions"

	def test_r_terms_1_versions_in_force_recorded_on_tickets(self):
		ticket = self.ticket()
		self.assertEqual((ticket.cgv_terms, ticket.cgu_terms), ("CGV-2023-10", "CGU-2026-01-01"))

	def new_version(self) -> "frappe.Document":
		name = f"CGU-{frappe.generate_hash(length=6)}"
		return frappe.get_doc(
			{
				"doctype": "Terms Version",
				"kind": "CGU",
				"reference": "CGU-SERVICES-ASSISTANCE-3DDS",
				"version_label": name[4:],
				"publication_date": "2027-01-15",
				"effective_date": "2027-03-01",
			}
		).insert()

	def queued_batches(self, version: str, waiting: list[str]) -> list:
		"""The RQ jobs of the batches ``publish`` queued for ``waiting`` (one per
		``NOTICE_BATCH`` clients, each a range of names)."""
		jobs = []
		for start in range(0, len(waiting), terms_version.NOTICE_BATCH):
			end = start + terms_version.NOTICE_BATCH
			jobs.append(
				get_job(
					job_id(
						NOTICES_JOB,
						terms_version=version,
						from_client=waiting[start] if start else None,
						to_client=waiting[end] if end < len(waiting) else None,
					)
				)
			)
		return jobs

	def notices_per_client(self, version: str) -> dict[str, int]:
		return dict(
			frappe.db.sql(
				"select customer, count(*) from `tabTerms Notice` where terms_version = %s group by customer",
				version,
			)
		)

	def test_r_terms_3_publishing_informs_every_client_once_in_the_background_and_reminds_premium(self):
		version = self.new_version()
		sub = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": now_datetime().date(),
				"item": testing.PLAN_ITEM,
				"annual_price": 1200,
			}
		).insert()
		frappe.set_user(AGENT)
		self.assertRaises(frappe.PermissionError, api.publish_terms, version.name)
		frappe.set_user(MANAGER)
		waiting = version.clients_to_inform()
		with patch.object(terms_version, "NOTICE_BATCH", 2):  # several batches, even on a small site
			published = api.publish_terms(version.name)
			jobs = self.queued_batches(version.name, waiting)
		frappe.set_user("Administrator")
		# the request informs no one itself: it publishes and hands the clients to the workers
		self.assertEqual(published, {"to_inform": len(waiting), "informed": 0})
		self.assertIn(self.customer, waiting)
		self.assertEqual(frappe.db.count("Terms Notice", {"terms_version": version.name}), 0)
		self.assertEqual(frappe.db.get_value("Terms Version", version.name, "notices_pending"), 1)
		self.assertTrue(frappe.db.get_value("Terms Version", version.name, "published_on"))
		self.assertEqual([job for job in jobs if job], [])  # nothing queued before the commit
		frappe.db.commit()  # the batches are queued once the publication is committed
		with patch.object(terms_version, "NOTICE_BATCH", 2):
			jobs = self.queued_batches(version.name, waiting)
		try:
			self.assertEqual(len(jobs), (len(waiting) + 1) // 2)
			self.assertTrue(all(job and job.get_status() == "queued" for job in jobs))
			for job in jobs + jobs:  # each batch as a worker runs it, then all of them again
				frappe.get_attr(NOTICES_JOB)(**job.kwargs["kwargs"])
		finally:
			for job in filter(None, jobs):
				job.delete()
		per_client = self.notices_per_client(version.name)
		self.assertEqual(set(per_client), set(waiting))
		self.assertEqual(set(per_client.values()), {1})
		self.assertEqual(
			frappe.db.get_value("Terms Version", version.name, ["notices_pending", "informed_clients"]),
			(0, len(waiting)),
		)
		notice = frappe.get_doc("Terms Notice", {"terms_version": version.name, "customer": self.customer})
		self.assertEqual(notice.premium, 1)
		self.assertIn("CGU art. 9.4", notice.message)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": notice.name}), 1)
		self.assertTrue(sub.name)
		# published again: only clients added since are informed
		frappe.set_user(MANAGER)
		self.assertEqual(api.publish_terms(version.name), {"to_inform": 0, "informed": len(waiting)})
		frappe.set_user("Administrator")
		version.reload()
		version.effective_date = "2027-04-01"
		self.assertRaises(frappe.ValidationError, version.save)
		version.reload()
		version.full_text = "<p>Texte réécrit après publication</p>"  # R-TERMS-1: what was told stays
		self.assertRaises(frappe.ValidationError, version.save)
		version.reload()
		version.notices_pending = 1  # what the workers record is not edited by hand
		self.assertRaises(frappe.ValidationError, version.save)

	def test_r_terms_3_notices_that_stopped_midway_are_resumed_by_the_recovery_once(self):
		version = self.new_version()
		with patch("frappe.enqueue"):  # the batches are lost with their worker
			version.publish()
		frappe.db.commit()
		waiting = version.clients_to_inform()
		# a worker informed the clients before this one, then died
		terms_job.inform_clients(version.name, to_client=self.customer)
		self.assertNotIn(self.customer, self.notices_per_client(version.name))
		self.assertEqual(frappe.db.get_value("Terms Version", version.name, "notices_pending"), 1)
		# nothing moved for a while: the recovery queues what is left, once
		self.assertNotIn(version.name, recovery.resume_pending_work())  # still within its grace
		frappe.db.set_value(
			"Terms Version",
			version.name,
			"modified",
			add_to_date(now_datetime(), minutes=-(recovery.NOTICES_GRACE_MINUTES + 1)),
			update_modified=False,
		)
		frappe.db.commit()
		queued = frappe.get_doc("Terms Version", version.name).queue_notices(after_commit=False)
		try:
			self.assertTrue(queued)
			self.assertNotIn(version.name, recovery.resume_pending_work())  # queued already: not twice
			for job in queued:
				frappe.get_attr(NOTICES_JOB)(**job.kwargs["kwargs"])
		finally:
			for job in queued:
				job.delete()
		per_client = self.notices_per_client(version.name)
		self.assertTrue(set(waiting) <= set(per_client))
		self.assertEqual(set(per_client.values()), {1})
		self.assertEqual(frappe.db.get_value("Terms Version", version.name, "notices_pending"), 0)
		self.assertNotIn(version.name, recovery.resume_pending_work())
