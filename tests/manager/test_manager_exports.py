"""Exports stream: CSV row by row from a server-side cursor, XLSX from a constant-memory temp file."""
import csv
import io
import re
import zipfile

import pytest
from django.http import FileResponse, StreamingHttpResponse

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content)


def test_ticket_csv_streams_one_row_per_ticket_created_in_the_period(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    response = client.get("/manager/export/tickets.csv")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert len(rows) == 1 + 6  # header + the six tickets created in the last 30 days
    numbers = {r[0] for r in rows[1:]}
    assert str(dataset["old"].number) not in numbers and str(dataset["new_today"].number) in numbers


def test_ticket_export_reads_through_a_server_side_cursor(client, manager_maryam, dataset, monkeypatch):
    """A named (server-side) cursor: PostgreSQL hands rows over in chunks, never the whole year at once."""
    from django.db import connections

    connection = connections["default"]
    names = []
    original = type(connection).create_cursor

    def spy(self, name=None):
        names.append(name)
        return original(self, name)

    monkeypatch.setattr(type(connection), "create_cursor", spy)
    client.force_login(manager_maryam)
    body(client.get("/manager/export/tickets.csv"))
    assert any(names), names


def test_ticket_xlsx_is_a_workbook_with_a_row_per_ticket(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    response = client.get("/manager/export/tickets.xlsx?organization=%d" % dataset["open_2d"].organization_id)
    assert response.status_code == 200 and isinstance(response, FileResponse)
    with zipfile.ZipFile(io.BytesIO(body(response))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert len(re.findall(r"<row ", sheet)) == 1 + 4  # header + org A's four tickets of the period


@pytest.mark.parametrize("name", ["backlog", "sla", "breaches", "times", "flow", "by_channel", "by_type",
                                  "by_product", "by_organization", "agents", "referrals", "satisfaction",
                                  "deflection"])
def test_every_dashboard_table_exports_as_csv_and_xlsx(client, manager_maryam, dataset, name):
    client.force_login(manager_maryam)
    csv_rows = list(csv.reader(io.StringIO(body(client.get(f"/manager/export/{name}.csv")).decode("utf-8-sig"))))
    assert len(csv_rows) >= 1
    with zipfile.ZipFile(io.BytesIO(body(client.get(f"/manager/export/{name}.xlsx")))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert len(re.findall(r"<row ", sheet)) == len(csv_rows)


def test_sla_csv_holds_raw_numbers_not_persian_digits(client, manager_maryam, dataset):
    client.force_login(manager_maryam)
    rows = list(csv.reader(io.StringIO(body(client.get("/manager/export/sla.csv")).decode("utf-8-sig"))))
    assert rows[-1][1:4] == ["5", "3", "60.0"]


def test_unknown_table_or_format_is_404(client, manager_maryam):
    client.force_login(manager_maryam)
    assert client.get("/manager/export/nothing.csv").status_code == 404
    assert client.get("/manager/export/sla.pdf").status_code == 404
