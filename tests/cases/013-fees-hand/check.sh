#!/bin/sh
# A real client (openpyxl) opens the fee workbook: the sheets in the order
# of SPEC 5.3, amounts as numbers with two decimals, dates as real dates,
# an unknown amount as an empty cell.
exec /usr/bin/python3 - "$1" <<'PY'
import datetime, sys
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1] + "/avgift-2026-10/avgift-2026-10.xlsx")
assert wb.sheetnames == ["Avgiftsunderlag", "Per person", "Nya och avslutade",
                         "Kontroller", "Sammanfattning"], wb.sheetnames
ws = wb["Avgiftsunderlag"]
head = [c.value for c in ws[1]]
assert head[:3] == ["Personnummer", "Namn", "Beslut-id"], head
rows = {r[2].value: r for r in ws.iter_rows(min_row=2)}
b5 = rows["B5"]
assert isinstance(b5[5].value, datetime.datetime) and b5[5].number_format == "yyyy-mm-dd"
assert b5[6].value == datetime.datetime(2026, 10, 20)
# kronor with thousands separator and two decimals (14 875,00 kr in Swedish)
assert b5[13].value == 722.4 and b5[13].number_format == '#,##0.00\\ "kr"', b5[13].number_format
assert rows["B12"][13].value is None          # Taxa saknas: no amount
pp = {r[0].value: r for r in wb["Per person"].iter_rows(min_row=2)}
assert pp["19450112-1232"][5].value == 2660   # capped by the maxtaxa
assert pp["19450112-1232"][7].value == 2884   # + 224,00 of meals
assert pp["19450112-1232"][8].value is None   # Status: complete
# Ek, Bo: B12 has no taxa and another decision no omfattning, so the
# basis is incomplete: no Omsorgsbelopp, Omsorgsavgift or Summa (never
# 0 kr), the Status says why; the maxtaxa and meals stay
bo = pp["19380202-4327"]
assert [bo[i].value for i in (2, 5, 7)] == [None, None, None], [c.value for c in bo]
assert bo[3].value == 2660 and bo[6].value == 0
assert bo[8].value == "Ofullständig: belopp saknas för 2 beslut", bo[8].value
summary = {r[0].value: r[1].value for r in wb["Sammanfattning"].iter_rows(min_row=2)}
assert summary["Personer med ofullständigt underlag (belopp saknas)"] == 1, summary
assert wb["Sammanfattning"].auto_filter.ref is None
print("openpyxl: ok")
PY
