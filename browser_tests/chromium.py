"""Debian's Chromium, headless, as this machine's closed network wants it."""

import os

CHROMIUM = os.environ.get("DDS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
