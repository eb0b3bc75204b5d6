"""Demo data for a first look at the platform (``manage.py seed_demo``)."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "emporium.demo"
    label = "demo"
