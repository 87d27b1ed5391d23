#!/bin/sh
# A real client (openpyxl) opens the working list: order times are real
# date-times, and the rows with a step missing after its due date (Status
# "Saknas: …", column S) are highlighted by a conditional format.
exec /usr/bin/python3 - "$1" <<'PY'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1] + "/bevakning-2026-11-22/bevakning-2026-11-22.xlsx")
ws = wb["Ej bekräftade beställningar"]
assert [c.value for c in ws[1]][6:9] == ["Skickad", "Ska bekräftas senast", "Bekräftad"]
assert ws["G2"].value == datetime.datetime(2026, 11, 13, 10, 0), ws["G2"].value
assert ws["H2"].value == datetime.datetime(2026, 11, 16, 10, 0), ws["H2"].value
assert ws["I2"].value == datetime.datetime(2026, 11, 16, 16, 0), ws["I2"].value
assert ws["G2"].number_format == "yyyy-mm-dd hh:mm", ws["G2"].number_format
assert ws["K2"].value == 6
ws = wb["Ej verkställda beslut"]
assert ws["S1"].value == "Status", ws["S1"].value
rules = [(str(r.sqref), rule.formula) for r in ws.conditional_formatting for rule in r.rules]
assert rules == [("A2:U1048576", ['LEFT($S2,6)="Saknas"'])], rules
status = [ws.cell(row=i, column=19).value for i in range(2, ws.max_row + 1)]
assert status.count("Klar") == 1 and len(status) == 3, status
print("openpyxl: ok")
PY
