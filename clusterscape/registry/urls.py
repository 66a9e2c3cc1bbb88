from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("clusters/", views.directory, name="directory"),
    path("clusters/map.json", views.map_markers, name="map-markers"),
    path("clusters/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path(
        "clusters/<slug:slug>/correction/",
        views.organisation_correction,
        name="organisation-correction",
    ),
    path("states/", views.state_list, name="state-list"),
    path("states/<slug:slug>/", views.state_detail, name="state-detail"),
    path("fields/", views.field_list, name="field-list"),
    path("fields/<slug:slug>/", views.field_detail, name="field-detail"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("about/data/", views.about_data, name="about-data"),
]
