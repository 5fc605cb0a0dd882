"""Cursor pagination everywhere: no OFFSET, no COUNT(*); every list answers {next, previous, results}."""
from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination for the small lists (organisations, contacts, products ...)."""

    ordering = "id"
    page_size_query_param = "limit"
    max_page_size = 200


class KeysetPagination(pagination.BasePagination):
    """The ticket list's pages come from the keyset selector (tickets/selectors.py), not from a
    queryset slice; this class only renders them and documents the envelope. The selector walks
    forwards only, so `previous` is always null (clients keep the cursors they came through)."""

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object", "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return []  # declared on the view, with the queue and filters


def keyset_page_response(request, page, data):
    url = request.build_absolute_uri()
    next_url = replace_query_param(url, "cursor", page.next_cursor) if page.next_cursor else None
    return Response({"next": next_url, "previous": None, "results": data})
