"""Test settings: the service's own, with a known key and no shipping delay."""

import os

os.environ.setdefault("FULFILMENT_SERVICE_KEY", "test-link-key")
# The suite ships at once and calls the shipper's pass itself.
os.environ["FULFILMENT_SHIP_AFTER_SECONDS"] = "0"

from fulfilment_service.settings import *  # noqa: F403
