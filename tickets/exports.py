"""CSV and XLSX exports, streamed: memory stays flat whether a table has ten rows or a year of a
million tickets.

CSV goes out row by row through StreamingHttpResponse, read from a server-side cursor
(`.iterator(chunk_size=2000)` is a named cursor on PostgreSQL). XLSX cannot be produced as a
stream, so xlsxwriter writes it in constant_memory mode (one row in memory at a time) to a temp
file that is unlinked at once and streamed with FileResponse; the open handle keeps it alive.
"""
import csv
import os
import tempfile

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext_lazy as _

CHUNK = 2000
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    """csv.writer target that hands each line back instead of buffering it."""

    def write(self, value):
        return value


def csv_response(filename, header, rows):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # BOM: spreadsheet programs then read Persian text as UTF-8
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename, header, rows, sheet="report"):
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_urls": False,
                                              "strings_to_numbers": False, "strings_to_formulas": False})
        worksheet = workbook.add_worksheet(sheet[:31])
        if get_language_bidi():  # columns run the way the page does
            worksheet.right_to_left()
        bold = workbook.add_format({"bold": True})
        worksheet.write_row(0, 0, [str(h) for h in header], bold)
        for index, row in enumerate(rows, start=1):
            if index > XLSX_MAX_ROWS:
                break
            worksheet.write_row(index, 0, [_cell(v) for v in row])
        workbook.close()
        handle = open(path, "rb")
    finally:
        os.unlink(path)  # the open handle keeps the data until the response closes it
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def table_response(table, fmt, filename):
    header = [str(c) for c in table.columns]
    rows = ([cell.value for cell in row] for row in table.rows)
    if fmt == "xlsx":
        return xlsx_response(filename, header, rows, sheet=table.name)
    return csv_response(filename, header, rows)


TICKET_FIELDS = (
    ("number", _("Number")), ("subject", _("Subject")), ("organization__name", _("Organisation")),
    ("requester__name", _("Requester")), ("status", _("State")), ("type", _("Type")), ("priority", _("Priority")),
    ("channel", _("Channel")), ("product__name", _("Product")), ("team__name", _("Team")),
    ("assignee__username", _("Assignee")), ("created_at", _("Created")), ("first_response_at", _("First response")),
    ("resolved_at", _("Resolved")), ("first_response_minutes", _("First response (business minutes)")),
    ("first_response_breached", _("First response breached")), ("resolution_minutes", _("Resolution (business minutes)")),
    ("resolution_breached", _("Resolution breached")),
)


def ticket_rows(queryset):
    """Every ticket of the queryset as a list of plain values, read through a server-side cursor."""
    fields = [f for f, _label in TICKET_FIELDS]
    for row in queryset.order_by("created_at", "id").values_list(*fields).iterator(chunk_size=CHUNK):
        yield [timezone.localtime(v).isoformat(timespec="seconds") if hasattr(v, "hour") else v for v in row]


def tickets_response(queryset, fmt, filename):
    header = [str(label) for _f, label in TICKET_FIELDS]
    if fmt == "xlsx":
        return xlsx_response(filename, header, ticket_rows(queryset), sheet="tickets")
    return csv_response(filename, header, ticket_rows(queryset))
