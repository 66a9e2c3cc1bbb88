from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/new/", views.alert_new, name="alert-new"),
    path("alerts/<int:pk>/frequency/", views.alert_frequency, name="alert-frequency"),
    path("alerts/<int:pk>/delete/", views.alert_delete, name="alert-delete"),
    path("alerts/stop/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
