"""The HTTP API, version 1: routers over the domain apps' queries and services."""

from ninja import NinjaAPI

from .routers.matchmaking import router as matchmaking_router
from .routers.search import router as search_router

# The schema is at /api/v1/openapi.json; the interactive docs at /api/v1/docs use the
# Swagger UI files that django-ninja ships (served as static files because "ninja" is an
# installed app), never a CDN.
api = NinjaAPI(
    title="clusterscape API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    description=(
        "The cluster landscape as open data: organisations, search and more. "
        "Data licence: see /en/about/data/."
    ),
)
api.add_router("/", search_router)
api.add_router("/", matchmaking_router)
api.add_router("/", "clusterscape.api.routers.funding.router")
