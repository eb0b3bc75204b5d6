"""The WSGI application, for gunicorn (``fulfilment_service.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fulfilment_service.settings")

application = get_wsgi_application()
