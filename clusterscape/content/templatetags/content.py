"""Content where it belongs elsewhere: the home page and organisation profiles.

    {% load content %}
    {% home_content %}                    latest news, next events, calls closing soon
    {% organisation_content organisation %}   the organisation's news, events, projects

Each list is one query (upcoming events one more, for their bound), not one per item, so
pages using them keep a fixed query count.
"""

from django import template

from clusterscape.content import queries
from clusterscape.registry.models import Organisation

register = template.Library()

HOME_ITEMS = 3
PROFILE_ITEMS = 5


@register.inclusion_tag("content/partials/home_content.html")
def home_content() -> dict:
    return {
        "news": list(queries.public_news().prefetch_related(None)[:HOME_ITEMS]),
        "events": list(queries.upcoming_events().prefetch_related(None)[:HOME_ITEMS]),
        "calls": list(queries.calls_closing_soon().prefetch_related(None)[:HOME_ITEMS]),
        "closing_soon_days": queries.CLOSING_SOON_DAYS,
    }


@register.inclusion_tag("content/partials/organisation_content.html")
def organisation_content(organisation: Organisation) -> dict:
    news = queries.by_organisation(queries.public_news(), organisation)
    events = queries.upcoming_events().filter(organisation=organisation)
    return {
        "organisation": organisation,
        "news": list(news.prefetch_related(None)[:PROFILE_ITEMS]),
        "events": list(events.prefetch_related(None)[:PROFILE_ITEMS]),
        "projects": list(queries.projects_of(organisation).prefetch_related(None)[:PROFILE_ITEMS]),
    }
