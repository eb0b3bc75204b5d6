"""The fulfilment service's Django project: settings, URLs and the WSGI entry point."""
