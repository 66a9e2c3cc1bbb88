"""The OpenAPI document says every answer an operation can give, not only the ones its
handler returns: the answers that come from around the handlers (django-ninja's input
validation, 404 for unknown keys, authentication, the middleware's rate limit and 304) are
added to each operation here, once, instead of on every route."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from .schemas import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ERROR_REF}},
        **extra,
    }


def _common_responses(operation: dict[str, Any], method: str) -> dict[str, dict[str, Any]]:
    parameters = operation.get("parameters", [])
    responses: dict[str, dict[str, Any]] = {}
    if parameters or "requestBody" in operation:
        responses["422"] = _error(
            "Input of the wrong type or shape; `errors` names each field (path.to.field)."
        )
    if "requestBody" in operation:
        responses["400"] = _error("The body is not JSON (or not UTF-8).")
        responses["413"] = _error("The body is larger than the server accepts.")
    if any(parameter.get("in") == "path" for parameter in parameters):
        responses["404"] = _error("Nothing has this key.")
    if operation.get("security"):
        responses["401"] = _error("No valid API token (Authorization: Bearer cs_…).")
        responses["403"] = _error("The token or account may not write for this organisation.")
    if method in ("get", "head"):
        responses["304"] = {"description": "Not modified (If-None-Match / If-Modified-Since)."}
    responses["429"] = _error(
        "Too many requests from this token or address.",
        headers={
            "Retry-After": {
                "description": "Seconds until the client may ask again.",
                "schema": {"type": "integer"},
            }
        },
    )
    return responses


class ClusterscapeAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema())
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                # ninja keys its own answers by number, openapi_extra by text: one key each
                responses = {str(status): r for status, r in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, response in _common_responses(operation, method).items():
                    responses.setdefault(status, response)
        return schema
