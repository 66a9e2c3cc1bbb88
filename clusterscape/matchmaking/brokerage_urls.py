from django.urls import path

from . import brokerage_views as views

app_name = "brokerage"

urlpatterns = [
    path("events/<slug:slug>/brokerage/", views.brokerage_detail, name="detail"),
    path(
        "events/<slug:slug>/brokerage/register/",
        views.brokerage_register,
        name="register",
    ),
    path(
        "events/<slug:slug>/brokerage/requests/",
        views.brokerage_request,
        name="request",
    ),
    path(
        "events/<slug:slug>/brokerage/requests/<int:pk>/answer/",
        views.brokerage_answer,
        name="answer",
    ),
    path(
        "events/<slug:slug>/brokerage/meetings/<int:pk>/outcome/",
        views.brokerage_outcome,
        name="outcome",
    ),
    path("events/<slug:slug>/brokerage/agenda/", views.brokerage_agenda, name="agenda"),
    path(
        "events/<slug:slug>/brokerage/agenda.ics",
        views.brokerage_agenda_ics,
        name="agenda-ics",
    ),
    path(
        "events/<slug:slug>/brokerage/dashboard/",
        views.brokerage_dashboard,
        name="dashboard",
    ),
]
