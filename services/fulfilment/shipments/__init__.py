"""Shipments: the warehouse side of Emporium's fulfilment link (ADR 0018)."""
