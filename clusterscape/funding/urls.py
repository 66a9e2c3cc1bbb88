from django.urls import path

from . import views

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
]
