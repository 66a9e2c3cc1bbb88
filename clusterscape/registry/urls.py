from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
]
