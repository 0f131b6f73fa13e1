"""How the house is built (issue #25), checked on the source alone:

- every decision of the core is called by the product: a public function or class of
  ``dds_assistance/core`` that nothing outside the core (tests aside) names, nor
  the core itself uses, is a rule decided somewhere else — the product decided it
  again (R-TKT-7's ``is_late_request`` once was);
- the plan statuses that count as live are named once (``core.subscriptions``);
- the app changes Frappe only through its hooks: no assignment into a ``frappe``
  module, class or global at runtime, no WSGI application of its own, no
  ``before_request`` hook.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dds_assistance"
CORE = PACKAGE / "core"

# the core's documented public API that the product reaches through other names
DOCUMENTED = {
	# the French calendar of the rules (R-TIME-1, R-TIME-2): the site builds its own
	# from its settings and Holiday List; tests and benchmarks use this one
	("business_time", "french_business_calendar"),
	# R-SAN-3 over request times; the daily job counts in SQL and asks ``is_abusive``,
	# which this function asks too
	("sanctions", "abusive_solicitation"),
	# R-TKT-3: 100 € TTC = 83.33 HT + 16.67 VAT — ERPNext computes the invoice from the
	# VAT-included tax template; the tests hold every invoice to this split
	("tickets", "split_inclusive_price"),
}


def product_sources() -> str:
	"""The app's code outside the core: controllers, endpoints, jobs, pages, glue."""
	return "\n".join(
		path.read_text(encoding="utf-8")
		for path in PACKAGE.rglob("*.py")
		if CORE not in path.parents and not path.name.startswith("test_") and path.name != "testing.py"
	)


def core_public_names() -> list[tuple[str, str]]:
	names = []
	for path in sorted(CORE.glob("*.py")):
		for node in ast.parse(path.read_text(encoding="utf-8")).body:
			if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
				names.append((path.stem, node.name))
	return names


def used_within_core(module: str, name: str) -> bool:
	"""Named by core code other than its own definition (a helper of another rule)."""
	for path in CORE.glob("*.py"):
		text = path.read_text(encoding="utf-8")
		if path.stem == module:
			text = re.sub(rf"(def|class) {name}\b", "", text)
		if re.search(rf"\b{name}\b", text):
			return True
	return False


def test_every_decision_of_the_core_is_called_by_the_product():
	product = product_sources()
	unused = [
		f"core/{module}.py: {name}"
		for module, name in core_public_names()
		if (module, name) not in DOCUMENTED
		and not re.search(rf"\b{re.escape(name)}\b", product)
		and not used_within_core(module, name)
	]
	assert unused == [], "decided in the core, decided again elsewhere: " + ", ".join(unused)


def test_the_live_plan_statuses_are_named_once():
	pattern = re.compile(r"""["']Scheduled["']\s*,\s*["']Active["']\s*,\s*["']Notice Given["']""")
	places = [
		str(path.relative_to(ROOT))
		for path in PACKAGE.rglob("*.py")
		if not path.name.startswith("test_")
		and "auto-generated" not in path.read_text(encoding="utf-8")
		and pattern.search(path.read_text(encoding="utf-8"))
	]
	assert places == [], (
		f"the live statuses written out again in {places}: use core.subscriptions.LIVE_STATUSES"
	)


def assignments_into_frappe(path: Path) -> list[str]:
	"""``frappe.x.y = …``, ``setattr(frappe…, …)`` and assignments into names imported
	from a frappe module (``from frappe.website import utils; utils.get_apps = …``)."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	frappe_names = {"frappe"}
	for node in ast.walk(tree):
		if (
			isinstance(node, ast.ImportFrom)
			and node.module
			and node.module.split(".")[0] in ("frappe", "erpnext")
		):
			frappe_names.update(alias.asname or alias.name for alias in node.names)
		elif isinstance(node, ast.Import):
			for alias in node.names:
				if alias.name.split(".")[0] in ("frappe", "erpnext", "jinja2", "werkzeug"):
					frappe_names.add((alias.asname or alias.name).split(".")[0])

	def root(target) -> str | None:
		while isinstance(target, ast.Attribute):
			target = target.value
		return target.id if isinstance(target, ast.Name) else None

	found = []
	for node in ast.walk(tree):
		targets = []
		if isinstance(node, ast.Assign):
			targets = node.targets
		elif isinstance(node, ast.AugAssign | ast.AnnAssign):
			targets = [node.target]
		for target in targets:
			if not isinstance(target, ast.Attribute) or root(target) not in frappe_names:
				continue
			dotted = ast.unparse(target)
			# request state, not Frappe's code: allowed
			if re.match(r"frappe\.(local|flags|response|form_dict|db|session|message_log)\b", dotted):
				continue
			found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {dotted} = …")
		if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and node.args:
			if root(node.args[0]) in frappe_names:
				found.append(
					f"{path.relative_to(ROOT)}:{node.lineno}: setattr({ast.unparse(node.args[0])}, …)"
				)
	return found


def test_the_app_replaces_nothing_of_frappe_at_runtime():
	found = [
		line
		for path in sorted(PACKAGE.rglob("*.py"))
		if not path.name.startswith("test_") and path.name != "testing.py"
		for line in assignments_into_frappe(path)
	]
	assert found == [], "runtime changes to Frappe (use a supported hook):\n" + "\n".join(found)


def test_no_wsgi_application_and_no_before_request_hook():
	wsgi = [
		str(path.relative_to(ROOT))
		for path in PACKAGE.rglob("*.py")
		if re.search(r"def \w+\(environ, start_response\)", path.read_text(encoding="utf-8"))
	]
	assert wsgi == [], (
		f"a WSGI application of the app's own: {wsgi} (production serves frappe.app:application)"
	)
	hooks = ast.parse((PACKAGE / "hooks.py").read_text(encoding="utf-8"))
	names = {
		target.id
		for node in hooks.body
		if isinstance(node, ast.Assign)
		for target in node.targets
		if isinstance(target, ast.Name)
	}
	assert "before_request" not in names
	assert "website_path_resolver" not in names


def test_the_checks_above_catch_what_they_are_for(tmp_path):
	"""The scanner finds a replaced Frappe function, as the boot-data patch once was."""
	sample = tmp_path / "sample.py"
	sample.write_text(
		"import frappe\nfrom frappe.website import utils\n"
		"def install():\n\tutils.get_apps = lambda: []\n\tfrappe.website.utils.get_default_path = None\n"
		"\tfrappe.local.flags.x = 1\n",
		encoding="utf-8",
	)
	global ROOT
	saved, ROOT = ROOT, tmp_path
	try:
		found = assignments_into_frappe(sample)
	finally:
		ROOT = saved
	assert len(found) == 2, found
