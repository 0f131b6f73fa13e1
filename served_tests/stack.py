"""What the served tests do to the stack and the bench: commands run as this machine's
administrator would, the database made unreachable, the web workers restarted, HTTP
sessions of portal and desk users."""

import contextlib
import json
import os
import re
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "dev" / "serve-production-like"
UNAVAILABLE = ROOT / "dds_assistance" / "public" / "unavailable"
PATH = os.pathsep.join([os.path.expanduser("~/.local/bin"), os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
CSRF = re.compile(r"""csrf_token\s*=\s*["']([0-9a-f]+)["']""")
# MariaDB's own connections, and the one asking
SERVER_USERS = {"root", "system user", "event_scheduler", "unauthenticated user"}


def bench_path() -> Path:
	return Path(os.path.expanduser(os.environ["DDS_BENCH"])).resolve()


def run(*command, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
	return subprocess.run(
		[str(c) for c in command],
		capture_output=True,
		text=True,
		check=check,
		env=dict(os.environ, PATH=PATH),
		**kwargs,
	)


def bench(*args, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
	return run("bench", *args, cwd=bench_path(), check=check, **kwargs)


def execute(site: str, method: str, *args):
	"""What ``method(*args)`` returns on ``site`` (``bench execute``, committed; it prints
	nothing, so None here, for an empty or false answer)."""
	command = ["--site", site, "execute", method]
	if args:
		command += ["--args", json.dumps(list(args))]
	lines = bench(*command).stdout.strip().splitlines()
	return json.loads(lines[-1]) if lines and lines[-1] != "None" else None


def site_config_path(site: str) -> Path:
	return bench_path() / "sites" / site / "site_config.json"


def site_config(site: str) -> dict:
	return json.loads(site_config_path(site).read_text())


def bench_sites() -> list[str]:
	return sorted(p.parent.name for p in (bench_path() / "sites").glob("*/site_config.json"))


# --- the database ------------------------------------------------------------------------


def mariadb_answers(host: str = "127.0.0.1", port: int = 3306) -> bool:
	"""Whether a database server answers there (even "access denied" is an answer)."""
	ping = run(
		"mysqladmin", "--protocol=tcp", "-h", host, "-P", port, "--connect-timeout=2", "ping", check=False
	)
	return ping.returncode == 0


def other_clients() -> set[str] | None:
	"""The database users connected to MariaDB other than this bench's sites (other
	benches at work); None when MariaDB will not say."""
	command = [
		"mysql",
		"--protocol=socket",
		"-uroot",
		"-N",
		"-e",
		"select user from information_schema.processlist",
	]
	if os.environ.get("DDS_DB_ROOT_PASSWORD"):
		command.insert(3, f"-p{os.environ['DDS_DB_ROOT_PASSWORD']}")
	answer = run(*command, check=False)
	if answer.returncode:
		return None
	ours = {site_config(site).get("db_name") for site in bench_sites()}
	return {user for user in answer.stdout.split("\n") if user and user not in SERVER_USERS | ours}


def wait_until(condition, seconds: float, what: str) -> None:
	deadline = time.time() + seconds
	while not condition():
		if time.time() > deadline:
			raise AssertionError(f"{what}: not within {seconds:g} s")
		time.sleep(0.5)


def closed_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


def write_atomically(path: Path, text: str) -> None:
	"""The web workers read the site's config on every request: never half-written."""
	temporary = path.with_suffix(".writing")
	temporary.write_text(text)
	os.replace(temporary, path)


def outage_mode() -> str:
	"""``DDS_DB_OUTAGE``: server, site, or auto — the server unless MariaDB serves other
	benches' sites right now (stopping it would break their work)."""
	mode = os.environ.get("DDS_DB_OUTAGE", "auto")
	if mode == "auto":
		mode = "server" if other_clients() == set() else "site"
	assert mode in ("server", "site"), f"DDS_DB_OUTAGE={mode}: server, site or auto"
	return mode


@contextlib.contextmanager
def database_unreachable(site: str, mode: str):
	"""The database of ``site`` cannot be reached for the block: MariaDB stopped as this
	machine stops it (``service mariadb stop``, ``mode="server"``), or the site's database
	address pointed at a port where nothing listens (``mode="site"``); each checked
	with ``mysqladmin ping``, and undone after."""
	conf = site_config(site)
	host, port = conf.get("db_host") or "127.0.0.1", int(conf.get("db_port") or 3306)
	if mode == "server":
		run("service", "mariadb", "stop")
		wait_until(lambda: not mariadb_answers(host, port), 60, "MariaDB stopped")
		try:
			yield f"MariaDB stopped (service mariadb stop; mysqladmin ping on {host}:{port} fails)"
		finally:
			run("service", "mariadb", "start")
			wait_until(lambda: mariadb_answers(host, port), 60, "MariaDB started again")
		return
	path = site_config_path(site)
	original = path.read_text()
	nowhere = closed_port()
	write_atomically(path, json.dumps(dict(conf, db_host="127.0.0.1", db_port=nowhere), indent=1))
	try:
		assert not mariadb_answers("127.0.0.1", nowhere)
		yield f"{site}'s database address 127.0.0.1:{nowhere}, where nothing listens (mysqladmin ping fails)"
	finally:
		write_atomically(path, original)
	assert mariadb_answers(host, port)


# --- the web workers -------------------------------------------------------------------


def web_workers() -> int:
	common = json.loads((bench_path() / "sites" / "common_site_config.json").read_text())
	return int(common.get("gunicorn_workers") or 4)


def restart_web(url: str) -> None:
	"""Bench's web program restarted by supervisor: fresh workers, nothing served yet."""
	program = f"{bench_path().name}-web:{bench_path().name}-frappe-web"
	run("supervisorctl", "restart", program)
	wait_until(lambda: ping(url), 60, "gunicorn answering again")


def ping(url: str) -> bool:
	try:
		return requests.get(f"{url}/api/method/ping", timeout=5).json() == {"message": "pong"}
	except (requests.RequestException, ValueError):
		return False


def everywhere(fetch, times: int | None = None) -> list:
	"""``fetch()`` called at once ``times`` times (three per web worker by default), so
	that every worker answers some of them."""
	times = times or 3 * web_workers()
	with ThreadPoolExecutor(max_workers=times) as pool:
		return list(pool.map(lambda _: fetch(), range(times)))


# --- users -----------------------------------------------------------------------------


def session(url: str, user: str | None = None, password: str | None = None, home: str = "/assistance"):
	"""An HTTP session of ``user`` (a visitor without), with the CSRF token of its pages."""
	http = requests.Session()
	# as many connections as ``everywhere`` makes at once
	http.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))
	if user:
		login = http.post(f"{url}/api/method/login", data={"usr": user, "pwd": password}, timeout=30)
		assert login.status_code == 200, login.text[:300]
		page = http.get(url + home, timeout=30)
		assert page.status_code == 200, (home, page.status_code)
		token = CSRF.search(page.text)
		if token:
			http.headers["X-Frappe-CSRF-Token"] = token.group(1)
	return http


def page(http, url: str, path: str):
	return http.get(url + path, headers={"Accept": "text/html"}, timeout=30, allow_redirects=False)


def call(http, url: str, method: str, http_method: str = "GET", **arguments):
	if http_method == "GET":
		return http.get(
			f"{url}/api/method/{method}", params=arguments, headers={"Accept": "application/json"}, timeout=30
		)
	return http.post(
		f"{url}/api/method/{method}", json=arguments, headers={"Accept": "application/json"}, timeout=30
	)
