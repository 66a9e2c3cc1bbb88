from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path(
        "clusters/<slug:slug>/partners/",
        views.organisation_partners,
        name="organisation-partners",
    ),
    path("partners/", views.explorer, name="explorer"),
    path("partners/compare/", views.compare, name="compare"),
    path("partners/bookmarks/", views.bookmarks, name="bookmarks"),
    path("partners/bookmarks/<slug:slug>/", views.bookmark, name="bookmark"),
    path(
        "clusters/<slug:slug>/partners/requests/new/",
        views.request_create,
        name="request-create",
    ),
    path("partners/requests/", views.request_list, name="request-list"),
    path("partners/requests/mine/", views.my_requests, name="my-requests"),
    path("partners/requests/<int:pk>/edit/", views.request_edit, name="request-edit"),
    path("partners/requests/<int:pk>/close/", views.request_close, name="request-close"),
    path("partners/requests/<slug:slug>/", views.request_detail, name="request-detail"),
    path("partners/interests/<int:pk>/answer/", views.interest_answer, name="interest-answer"),
    path("partners/inbox/", views.inbox, name="inbox"),
]
