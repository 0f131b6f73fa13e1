# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Every endpoint of the app, called over HTTP the way a newcomer would call it:
a missing or mistyped argument is a 400 with a translated message naming it,
never a 500; no answer to a client of the portal carries a Python traceback
(issue "Run it the way production runs it", hardening)."""

import importlib
import inspect
import pkgutil
import typing

import frappe

import dds_assistance
from dds_assistance.samples import testing
from dds_assistance.samples.testing import MANAGER, STAFF, WebClient
from dds_assistance.web.endpoints import ARGUMENT_LABELS

STAFF_PASSWORD = "Bureau-Test-2026"
TRACE_MARKERS = ("Traceback (most recent call last)", '"exc"', '"exception"', "_exc_source")


def app_endpoints() -> list[tuple[str, typing.Callable]]:
	"""(dotted path, function) of every whitelisted function of the app."""
	for module in pkgutil.walk_packages(dds_assistance.__path__, "dds_assistance."):
		leaf = module.name.rsplit(".", 1)[-1]
		if leaf.startswith("test_") or leaf == "testing":
			continue
		spec = importlib.util.find_spec(module.name)
		origin = spec.origin if spec else None
		if origin and origin.endswith(".py") and "@endpoint(" in open(origin, encoding="utf-8").read():
			importlib.import_module(module.name)
	return sorted(
		(f"{fn.__module__}.{fn.__name__}", fn)
		for fn in set(frappe.whitelisted)
		if getattr(fn, "__module__", "").startswith("dds_assistance.")
	)


def parameters(function) -> list[inspect.Parameter]:
	return [
		p
		for p in inspect.signature(inspect.unwrap(function)).parameters.values()
		if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
	]


def accepts_int(annotation) -> bool:
	return annotation is int or int in typing.get_args(annotation)


def placeholder(parameter: inspect.Parameter):
	"""A value of the right type for an argument that is not the one under test."""
	return 1 if accepts_int(parameter.annotation) else "x"


def wrong_value(parameter: inspect.Parameter, http_method: str):
	"""A value the argument's type refuses, or None when it accepts anything sent
	this way (a query string is all text)."""
	annotation = parameter.annotation
	if annotation is inspect.Parameter.empty:
		return None
	if accepts_int(annotation) and str not in typing.get_args(annotation):
		return "abc"
	if http_method == "POST":
		return {"not": "text"}
	return None


def http_method_of(function) -> str:
	allowed = frappe.allowed_http_methods_for_whitelisted_func.get(function) or ["POST"]
	return "POST" if "POST" in allowed else allowed[0]


class TestEveryEndpoint(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixture = testing.portal_fixture()
		testing.ensure_staff_user(MANAGER, STAFF[MANAGER])
		manager = frappe.get_doc("User", MANAGER)
		manager.new_password = STAFF_PASSWORD
		manager.save(ignore_permissions=True)
		frappe.db.commit()
		cls.endpoints = app_endpoints()

	def callers(self):
		return (
			("client", WebClient(self.fixture["user_a"]), ("Valeur manquante", "Valeur invalide")),
			("manager", WebClient(MANAGER, STAFF_PASSWORD), ()),
		)

	def test_the_app_has_its_endpoints_and_each_argument_a_french_name(self):
		names = [name for name, _fn in self.endpoints]
		self.assertIn("dds_assistance.api.portal.create_request", names)
		self.assertGreaterEqual(len(names), 35)
		arguments = {p.name for _name, function in self.endpoints for p in parameters(function)}
		self.assertEqual(sorted(arguments - set(ARGUMENT_LABELS)), [])

	def test_a_missing_argument_is_a_400_with_a_translated_message(self):
		for who, web, french in self.callers():
			for name, function in self.endpoints:
				required = [p.name for p in parameters(function) if p.default is p.empty]
				response = web.call(name, http_method_of(function))
				body = response.get_data(as_text=True)
				with self.subTest(who=who, endpoint=name):
					self.assertLess(response.status_code, 500, body[:300])
					if required:
						self.assertEqual(response.status_code, 400, body[:300])
						[message] = web.messages(response)
						if french:
							self.assertTrue(message.startswith(french[0]), message)
					if who == "client":
						self.assertFalse([m for m in TRACE_MARKERS if m in body], body[:300])

	def test_a_mistyped_argument_is_a_400_naming_it(self):
		for who, web, french in self.callers():
			for name, function in self.endpoints:
				http_method = http_method_of(function)
				arguments = {p.name: placeholder(p) for p in parameters(function) if p.default is p.empty}
				for parameter in parameters(function):
					wrong = wrong_value(parameter, http_method)
					if wrong is None:
						continue
					response = web.call(name, http_method, **{**arguments, parameter.name: wrong})
					body = response.get_data(as_text=True)
					with self.subTest(who=who, endpoint=name, argument=parameter.name):
						self.assertEqual(response.status_code, 400, body[:300])
						[message] = web.messages(response)
						if french:
							self.assertTrue(message.startswith(french[1]), message)
						if who == "client":
							self.assertFalse([m for m in TRACE_MARKERS if m in body], body[:300])

	def test_no_traceback_reaches_a_client_of_the_portal(self):
		client = WebClient(self.fixture["user_a"])
		refusals = (
			# a rule's refusal (an incomplete request)
			client.call("dds_assistance.api.portal.create_request", description=""),
			# another client's request
			client.call("dds_assistance.api.portal.reply", ticket="TKT-0000-00000", message="Bonjour"),
			# Frappe's own endpoints: a desk list, a missing doctype, an unknown method
			client.open("/api/resource/Sales Invoice", method="GET"),
			client.call("frappe.client.get_list", doctype="No Such Doctype"),
			client.call("frappe.client.get_value", doctype="User", filters={"name": "x"}),
			client.call("dds_assistance.api.no_such_module.no_such_method"),
		)
		for response in refusals:
			body = response.get_data(as_text=True)
			with self.subTest(status=response.status_code, body=body[:120]):
				self.assertGreaterEqual(response.status_code, 400)
				self.assertFalse([m for m in TRACE_MARKERS if m in body], body[:300])
		# nor does a desk user's refusal: the desk would print it as a console error
		if frappe.get_system_settings("allow_error_traceback"):
			staff = WebClient(MANAGER, STAFF_PASSWORD)
			response = staff.call(
				"dds_assistance.api.ticket.extend_response_due",
				ticket=self.fixture["ticket"],
				new_due="demain",
				reason="Client decision",
				note="essai",
			)
			self.assertEqual(response.status_code, 417)
			self.assertNotIn('"exc"', response.get_data(as_text=True))
			self.assertIn("_server_messages", response.get_data(as_text=True))
