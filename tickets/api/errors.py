"""One error format for every API response:

    {"error": {"code": "conflict", "message": "...", "fields": {"body": ["..."]}, "changes": [...]}}

Service errors (TicketError, ConflictError: Django ValidationErrors), Django's PermissionDenied
and Http404, and DRF's own exceptions all end up here, so clients parse one shape.
"""
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tickets.services.errors import ConflictError


def _fields(detail) -> dict:
    """DRF's nested detail -> {field: [messages]} (non-field errors under "non_field_errors")."""
    if isinstance(detail, dict):
        out = {}
        for name, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _fields(value).items():
                    out[f"{name}.{sub}"] = msgs
            else:
                out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(v) for v in detail]} if detail else {}
    return {}


def change_json(event) -> dict:
    return {"kind": event.kind, "at": event.at.isoformat() if event.at else None,
            "actor": event.actor.display_name if event.actor_id else None, "data": event.data}


def error_response(code, message, http_status, fields=None, headers=None, **extra):
    body = {"code": code, "message": str(message), "fields": fields or {}, **extra}
    return Response({"error": body}, status=http_status, headers=headers)


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return error_response("conflict", " ".join(exc.messages), status.HTTP_409_CONFLICT,
                              changes=[change_json(e) for e in exc.changes])
    if isinstance(exc, DjangoValidationError):
        # TicketError and model validation: the message is written for the user.
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        return error_response("invalid", " ".join(exc.messages), status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, exceptions.ValidationError):
        code, message, fields = "invalid", _("The request is not valid."), _fields(exc.detail)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message, fields = (str(detail) if not isinstance(detail, (dict, list)) else _("Error.")), {}
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {
        "type": "object", "required": ["code", "message", "fields"],
        "properties": {
            "code": {"type": "string", "example": "conflict"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            "changes": {"type": "array", "description": "409 only: what changed since your version.",
                        "items": {"type": "object", "properties": {
                            "kind": {"type": "string"}, "at": {"type": "string", "format": "date-time", "nullable": True},
                            "actor": {"type": "string", "nullable": True}, "data": {"type": "object"}}}},
        },
    }},
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input", "401": "No valid token", "403": "Not allowed", "404": "Not found (or not yours to see)",
    "409": "Conflict: the ticket changed since `version`", "429": "Too many requests",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: add the shared error responses to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400", "401", "403", "404", "429"]
            if method == "post" and path.startswith("/api/v1/tickets/"):
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code], "content": ref})
    return result
