"""Fault tests of the event pipeline: real processes killed, the real broker restarted."""
