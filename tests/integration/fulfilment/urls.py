"""The platform's routes plus the fulfilment context's, until config.urls includes them."""

from django.urls import include, path

from config.urls import urlpatterns as platform

urlpatterns = [path("api/v1/", include("emporium.fulfilment.urls")), *platform]
