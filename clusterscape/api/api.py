"""The HTTP API, version 1: routers over the domain apps' queries and services."""

from ninja import NinjaAPI

from .routers.search import router as search_router

api = NinjaAPI(title="clusterscape API", version="1", urls_namespace="api-v1")
api.add_router("/", search_router)
