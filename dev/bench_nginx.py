"""What dev/serve-production-like changes in the nginx.conf that ``bench setup nginx``
writes, and nothing else:

- every server block listens on 127.0.0.1 only: ``listen 8080;`` becomes
  ``listen 127.0.0.1:8080;`` and the ``listen [::]:…;`` lines go (bench's template
  listens on every address);
- every server block that serves a bench site gets the lines of
  ``nginx-unavailable.conf`` (README, "When Frappe cannot answer") right after its
  ``root`` line, with the site, the bench and the timeout of that block's own
  ``location @webserver``.

    python3 dev/bench_nginx.py <bench>/config/nginx.conf    # edits it in place

Standard library only (run with the system's Python, before any bench environment).
"""

import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("nginx-unavailable.conf")
MARK = "# dds_assistance:"

LISTEN = re.compile(r"^(\s*)listen\s+(\d+)(\s[^;]*)?;\s*$")
LISTEN_IPV6 = re.compile(r"^\s*listen\s+\[::\]:\S+(\s[^;]*)?;\s*$")
ROOT = re.compile(r"^\s*root\s+\S+;\s*$")
SERVER = re.compile(r"^\s*server\s*\{\s*$")
SITE_HEADER = re.compile(r"proxy_set_header\s+X-Frappe-Site-Name\s+(\S+);")
TIMEOUT = re.compile(r"proxy_read_timeout\s+(\S+);")
UPSTREAM = re.compile(r"proxy_pass\s+http://(\S+)-frappe;")


def unavailable_lines(site: str, bench: str, http_timeout: str) -> str:
	"""The README's lines for one server block: its site, its bench and its timeout."""
	text = TEMPLATE.read_text(encoding="utf-8")
	return text.replace("<site>", site).replace("<bench>", bench).replace("<http_timeout>", http_timeout)


def loopback_only(text: str) -> str:
	lines = []
	for line in text.splitlines(keepends=True):
		if LISTEN_IPV6.match(line):
			continue
		match = LISTEN.match(line)
		if match:
			indent, port, rest = match.group(1), match.group(2), match.group(3) or ""
			line = f"{indent}listen 127.0.0.1:{port}{rest};\n"
		lines.append(line)
	return "".join(lines)


def server_blocks(lines: list[str]) -> list[tuple[int, int]]:
	"""(first, last) line indexes of each top-level ``server { … }``."""
	blocks, depth, start = [], 0, None
	for index, line in enumerate(lines):
		code = line.split("#", 1)[0]
		if depth == 0 and SERVER.match(code):
			start = index
		depth += code.count("{") - code.count("}")
		if start is not None and depth == 0:
			blocks.append((start, index))
			start = None
	return blocks


def server_root(lines: list[str], first: int, last: int) -> int | None:
	"""The index of the server block's own ``root`` line (not a location's)."""
	depth = 0
	for index in range(first, last + 1):
		code = lines[index].split("#", 1)[0]
		if depth == 1 and ROOT.match(code):
			return index
		depth += code.count("{") - code.count("}")
	return None


def add_unavailable_lines(text: str) -> str:
	lines = text.splitlines(keepends=True)
	inserts = []
	for first, last in server_blocks(lines):
		block = "".join(lines[first : last + 1])
		if MARK in block:
			continue  # already there
		site, timeout, upstream = SITE_HEADER.search(block), TIMEOUT.search(block), UPSTREAM.search(block)
		root = server_root(lines, first, last)
		if not (site and timeout and upstream and root is not None):
			continue  # not a block that serves a site (the http to https redirect)
		inserts.append((root + 1, unavailable_lines(site.group(1), upstream.group(1), timeout.group(1))))
	for at, snippet in reversed(inserts):
		lines.insert(at, "\n" + snippet + "\n")
	return "".join(lines)


def edit(text: str) -> str:
	return add_unavailable_lines(loopback_only(text))


def main(path: str) -> None:
	conf = Path(path)
	before = conf.read_text(encoding="utf-8")
	after = edit(before)
	if after != before:
		conf.write_text(after, encoding="utf-8")


if __name__ == "__main__":
	main(sys.argv[1])
