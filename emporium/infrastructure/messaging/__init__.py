"""Integration events leaving the process: the outbox relay, the broker publisher, the inbox."""
