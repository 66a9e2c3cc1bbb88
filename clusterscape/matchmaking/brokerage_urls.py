from django.urls import path

from . import brokerage_downloads as downloads
from . import brokerage_setup_views as setup_views
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
        "events/<slug:slug>/brokerage/agenda.pdf",
        downloads.brokerage_agenda_pdf,
        name="agenda-pdf",
    ),
    path(
        "events/<slug:slug>/brokerage/indicators.csv",
        downloads.brokerage_indicators_csv,
        name="indicators-csv",
    ),
    path(
        "events/<slug:slug>/brokerage/dashboard/",
        views.brokerage_dashboard,
        name="dashboard",
    ),
    path(
        "events/<slug:slug>/brokerage/requests/<int:pk>/withdraw/",
        views.brokerage_withdraw_request,
        name="withdraw-request",
    ),
    path(
        "events/<slug:slug>/brokerage/meetings/<int:pk>/cancel/",
        views.brokerage_cancel_meeting,
        name="cancel-meeting",
    ),
    path("events/<slug:slug>/brokerage/withdraw/", views.brokerage_withdraw, name="withdraw"),
    path("events/<slug:slug>/brokerage/setup/", setup_views.brokerage_setup, name="setup"),
    path(
        "events/<slug:slug>/brokerage/days/add/",
        setup_views.brokerage_day_add,
        name="day-add",
    ),
    path(
        "events/<slug:slug>/brokerage/days/<int:pk>/",
        setup_views.brokerage_day_edit,
        name="day-edit",
    ),
    path(
        "events/<slug:slug>/brokerage/days/<int:pk>/delete/",
        setup_views.brokerage_day_delete,
        name="day-delete",
    ),
]
