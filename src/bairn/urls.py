from django.urls import include, path

from bairn.api.main import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("bairn.web.urls")),
]
