"""Compiled Jinja templates kept for the life of the web worker.

Frappe 15 builds a new Jinja environment for every request (``frappe.local.jenv``),
so every page parses and compiles again each template it uses — the portal's pages,
Frappe's base template, the navbar and footer web templates: about two thirds of
the time of a portal page. Jinja's bytecode cache keeps the compiled code instead;
each entry is keyed by the template's name and the checksum of its source, so an
edited template is compiled again. Set on the request's environment before any
template is loaded (a ``before_request`` hook).

Templates made from a string (``frappe.render_template`` of HTML, as the navbar and
footer web templates of every page are) have no name, so Jinja's bytecode cache never
sees them: their compiled code is kept here too, keyed by the source itself."""

import functools
import hashlib
from types import CodeType

from jinja2 import BytecodeCache, Environment


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

# compiled code of templates made from a string, by the SHA-256 of their source
FROM_STRING: dict[str, CodeType] = {}
FROM_STRING_KEPT = 512


def from_string(environment: Environment, source, globals=None, template_class=None):
	"""``Environment.from_string``, with the code compiled once per source for the
	worker (the environments of a worker are all Frappe's, alike but for their
	globals, which each template still takes from its own environment)."""
	if not isinstance(source, str):
		return type(environment).from_string(environment, source, globals, template_class)
	key = hashlib.sha256(source.encode()).hexdigest()
	code = FROM_STRING.get(key)
	if code is None:
		code = environment.compile(source)
		if len(FROM_STRING) >= FROM_STRING_KEPT:
			FROM_STRING.clear()
		FROM_STRING[key] = code
	cls = template_class or environment.template_class
	return cls.from_code(environment, code, environment.make_globals(globals), None)


def share_compiled_templates():
	"""before_request: the request's Jinja environment reads and writes the
	process's compiled templates."""
	from frappe.utils.jinja import get_jenv

	environment = get_jenv()
	environment.bytecode_cache = SHARED
	environment.from_string = functools.partial(from_string, environment)
