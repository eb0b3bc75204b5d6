"""Django app of the composition package: no models, the commands that span every context."""

from django.apps import AppConfig


class CompositionConfig(AppConfig):
    name = "emporium.composition"
    label = "composition"
