"""The multi-tenancy platform every context stands on: context, scoping, RLS, tasks, checks.

It imports nothing else of ``emporium``; the tenancy context (shops and their settings) and
every other context import it.
"""
