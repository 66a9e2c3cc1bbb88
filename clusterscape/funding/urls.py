from django.urls import path

from . import views, views_work

app_name = "funding"

urlpatterns = [
    path("funding/", views.programme_list, name="programme-list"),
    path("funding/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("funding/<slug:slug>/rounds/<int:year>/", views.round_detail, name="round-detail"),
    path("funding/<slug:slug>/schedule/", views.schedule_page, name="schedule"),
    path("funding/<slug:slug>/schedule.png", views.schedule_png, name="schedule-png"),
    path("funding/<slug:slug>/schedule.pdf", views.schedule_pdf, name="schedule-pdf"),
    path("funding/<slug:slug>/indicators/", views.indicators_page, name="indicators"),
    path("funding/<slug:slug>/indicators.csv", views.indicators_csv, name="indicators-csv"),
    path("funding/<slug:slug>/indicators.xlsx", views.indicators_xlsx, name="indicators-xlsx"),
    path("funding/work/applications/", views_work.application_list, name="application-list"),
    path(
        "funding/work/rounds/<int:round_id>/apply/",
        views_work.application_create,
        name="application-create",
    ),
    path(
        "funding/work/applications/<int:pk>/",
        views_work.application_detail,
        name="application-detail",
    ),
    path(
        "funding/work/applications/<int:pk>/edit/",
        views_work.application_edit,
        name="application-edit",
    ),
    path(
        "funding/work/applications/<int:pk>/submit/",
        views_work.application_submit,
        name="application-submit",
    ),
    path(
        "funding/work/applications/<int:pk>/assign/",
        views_work.application_assign,
        name="application-assign",
    ),
    path(
        "funding/work/applications/<int:pk>/decide/",
        views_work.application_decide,
        name="application-decide",
    ),
    path(
        "funding/work/applications/<int:pk>/review/",
        views_work.application_review,
        name="application-review",
    ),
    path(
        "funding/work/rounds/<int:pk>/dashboard/",
        views_work.round_dashboard,
        name="round-dashboard",
    ),
    path("funding/work/grants/<int:pk>/", views_work.grant_edit, name="grant-edit"),
    path(
        "funding/work/partnerships/<int:pk>/stage/",
        views_work.partnership_stage,
        name="partnership-stage",
    ),
    path("funding/<slug:slug>/exchange/", views_work.exchange, name="exchange"),
    path("funding/<slug:slug>/exchange/<int:pk>/", views_work.exchange_post, name="exchange-post"),
    path(
        "funding/<slug:slug>/exchange/files/<int:pk>/",
        views_work.exchange_attachment,
        name="exchange-attachment",
    ),
]
