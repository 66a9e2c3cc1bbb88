from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from clusterscape.api.api import api
from clusterscape.content.sitemaps import SITEMAPS as CONTENT_SITEMAPS
from clusterscape.core.views import robots_txt
from clusterscape.registry.sitemaps import SITEMAPS

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS | CONTENT_SITEMAPS}, name="sitemap"),
    path("api/v1/", api.urls),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("clusterscape.registry.urls")),
    path("", include("clusterscape.search.urls")),
    path("", include("clusterscape.matchmaking.urls")),
    path("", include("clusterscape.matchmaking.brokerage_urls")),
    path("", include("clusterscape.content.urls")),
    path("", include("clusterscape.funding.urls")),
    path("", include("clusterscape.accounts.urls")),
    path("", include("clusterscape.alerts.urls")),
    prefix_default_language=True,
)

# A database that can't be reached is a 503 with a short page, also outside views.
handler500 = "clusterscape.core.middleware.server_error"
