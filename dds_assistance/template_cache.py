"""Compiled Jinja templates kept for the life of the web worker.

Frappe 15 builds a new Jinja environment for every request (``frappe.local.jenv``),
so every page parses and compiles again each template it uses — the portal's pages,
Frappe's base template, the navbar and footer web templates: about two thirds of
the time of a portal page. Jinja's bytecode cache keeps the compiled code instead;
each entry is keyed by the template's name and the checksum of its source, so an
edited template is compiled again. Set on the request's environment before any
template is loaded (a ``before_request`` hook)."""

from jinja2 import BytecodeCache


class ProcessBytecodeCache(BytecodeCache):
	"""Jinja's compiled code in this process's memory (a few MB for every template
	of the bench)."""

	def __init__(self):
		self.entries: dict[str, bytes] = {}

	def load_bytecode(self, bucket):
		code = self.entries.get(bucket.key)
		if code is not None:
			bucket.bytecode_from_string(code)

	def dump_bytecode(self, bucket):
		self.entries[bucket.key] = bucket.bytecode_to_string()

	def clear(self):
		self.entries.clear()


SHARED = ProcessBytecodeCache()


def share_compiled_templates():
	"""before_request: the request's Jinja environment reads and writes the
	process's compiled templates."""
	from frappe.utils.jinja import get_jenv

	get_jenv().bytecode_cache = SHARED
