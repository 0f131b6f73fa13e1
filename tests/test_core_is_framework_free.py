"""The domain core imports no Frappe (style guide; enforced here)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "dds_assistance" / "core"
FORBIDDEN = ("frappe", "erpnext")


def imported_roots(path: Path):
	tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
	for node in ast.walk(tree):
		if isinstance(node, ast.Import):
			for alias in node.names:
				yield alias.name.split(".")[0]
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			yield node.module.split(".")[0]
		elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
			if node.args and isinstance(node.args[0], ast.Constant):
				yield str(node.args[0].value).split(".")[0]


def test_core_modules_import_no_frappe():
	files = sorted(CORE.rglob("*.py"))
	assert files, "the core package is missing"
	offenders = {
		str(path.relative_to(CORE)): root
		for path in files
		for root in imported_roots(path)
		if root in FORBIDDEN
	}
	assert offenders == {}


def test_core_imports_nothing_of_the_app_outside_core():
	for path in CORE.rglob("*.py"):
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in ast.walk(tree):
			if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
				if node.module.startswith("dds_assistance"):
					assert node.module.startswith("dds_assistance.core"), (path, node.module)


def test_detector_sees_a_frappe_import(tmp_path):
	sample = tmp_path / "x.py"
	sample.write_text("import os\nfrom frappe.utils import now\n")
	assert "frappe" in set(imported_roots(sample))
