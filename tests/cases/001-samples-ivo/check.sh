#!/bin/sh
# A real client (openpyxl, Debian's python3-openpyxl) opens both workbooks:
# bold frozen header, autofilter, real dates, numbers as numbers, text that
# looks like a formula stays text, the trend chart exists.
exec /usr/bin/python3 - "$1" <<'PY'
import datetime, re, sys
import openpyxl
out = sys.argv[1] + "/ivo-2026Q3/"
wb = openpyxl.load_workbook(out + "ivo-2026Q3.xlsx")
assert wb.sheetnames[:2] == ["Individrapporter", "Meddelanden"], wb.sheetnames
ws = wb["Individrapporter"]
assert ws.freeze_panes == "G2", ws.freeze_panes   # Rapporttyp..Namn identify a row
assert ws.auto_filter.ref.startswith("A1:AF"), ws.auto_filter.ref
assert ws["A1"].font.b and ws["A1"].value == "Rapporttyp"
assert isinstance(ws["K2"].value, datetime.datetime) and ws["K2"].number_format == "yyyy-mm-dd"
assert isinstance(ws["S2"].value, (int, float))
assert wb.properties.created == datetime.datetime(2026, 9, 30, 12, 0), wb.properties.created
for row in ws.iter_rows(min_row=2):
    for c in row:
        assert c.data_type != "f", (c.coordinate, c.value)
st = openpyxl.load_workbook(out + "statistik-2026Q3.xlsx")
assert "Trend" in st.sheetnames and len(st["Trend"]._charts) == 1
for name in st.sheetnames:
    for row in st[name].iter_rows():
        for c in row:
            v = str(c.value or "")
            # no personnummer, IVO-id or file names of the export
            assert not re.search(r"\d{8}-?(T\d{3}|\d{4})", v), (name, v)
print("openpyxl: ok")
PY
