from django.urls import path, register_converter

from . import editorial, feeds, views

app_name = "content"


class FeedFormatConverter:
    regex = "rss|atom"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormatConverter, "feedformat")


def feed_patterns(prefix: str, kind: str) -> list:
    return [
        path(
            f"{prefix}/feed/<feedformat:feed_format>/",
            feeds.feed,
            {"kind": kind},
            name=f"{kind}-feed",
        ),
        path(
            f"{prefix}/feed/<feedformat:feed_format>/organisation/<slug:slug>/",
            feeds.feed,
            {"kind": kind, "scope": "organisation"},
            name=f"{kind}-feed-organisation",
        ),
        path(
            f"{prefix}/feed/<feedformat:feed_format>/field/<slug:slug>/",
            feeds.feed,
            {"kind": kind, "scope": "field"},
            name=f"{kind}-feed-field",
        ),
    ]


urlpatterns = [
    path("news/", views.news_list, name="news-list"),
    *feed_patterns("news", "news"),
    path("news/<slug:slug>/", views.news_detail, name="news-detail"),
    path("events/", views.event_list, name="event-list"),
    path("events/calendar/", views.event_calendar, name="event-calendar"),
    path("events/calendar.ics", feeds.event_calendar_feed, name="event-ical"),
    path(
        "events/organisation/<slug:slug>/calendar.ics",
        feeds.event_calendar_feed,
        {"scope": "organisation"},
        name="event-ical-organisation",
    ),
    path(
        "events/field/<slug:slug>/calendar.ics",
        feeds.event_calendar_feed,
        {"scope": "field"},
        name="event-ical-field",
    ),
    *feed_patterns("events", "events"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("events/<slug:slug>/event.ics", views.event_ics, name="event-ics"),
    path("funding-calls/", views.call_list, name="call-list"),
    path("funding-calls/archive/", views.call_archive, name="call-archive"),
    *feed_patterns("funding-calls", "calls"),
    path("funding-calls/<slug:slug>/", views.call_detail, name="call-detail"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<slug:slug>/", views.project_detail, name="project-detail"),
    # Writing and reviewing
    path("my/content/", editorial.dashboard, name="dashboard"),
    path("my/content/review/", editorial.review_queue, name="review-queue"),
    path("my/content/<kind>/new/", editorial.create, name="create"),
    path("my/content/<kind>/<int:pk>/edit/", editorial.edit, name="edit"),
    path("my/content/<kind>/<int:pk>/<action>/", editorial.transition, name="transition"),
]
