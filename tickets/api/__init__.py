"""The REST API (/api/v1/): the same services and selectors as the UI, for integrations."""
