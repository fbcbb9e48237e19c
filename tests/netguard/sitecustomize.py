"""Loaded by every Python process the tests start (PYTHONPATH): loopback only."""

import loopback_only

loopback_only.install()
