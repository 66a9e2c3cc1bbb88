"""The HTTP API, version 1: routers over the domain apps' queries and services."""

from ninja import NinjaAPI

from .routers.search import router as search_router

# No interactive docs page: ninja's loads Swagger UI from a CDN, which the site never uses
# at run time. The schema is at /api/v1/openapi.json.
api = NinjaAPI(title="clusterscape API", version="1", urls_namespace="api-v1", docs_url=None)
api.add_router("/", search_router)
