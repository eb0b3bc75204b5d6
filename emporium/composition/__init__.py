"""Endpoints that combine several contexts (a shop's settings: tenancy, identity, payments).

It sits above the contexts it combines, so none of them imports another for it.
"""
