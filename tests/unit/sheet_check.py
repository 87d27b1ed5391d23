#!/usr/bin/python3
"""Reads a workbook written by tests/unit/test_sheet.c back with openpyxl
(the real client) and checks one named property set.

usage: sheet_check.py FILE.xlsx CHECK     exit 0 = fine, 1 = a check failed,
                                          77 = python3-openpyxl is missing
"""
import datetime
import sys
import zipfile

try:
    import openpyxl
except ImportError:
    sys.exit(77)


def check_main(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["Blad ett"]
    assert ws.freeze_panes == "A2", ws.freeze_panes
    assert ws.auto_filter.ref == "A1:E4", ws.auto_filter.ref
    for c in "ABCDE":
        assert ws[c + "1"].font.b, c + "1 not bold"
    assert not ws["A2"].font.b, "data row bold"
    # text that looks like a formula stays text
    assert ws["A2"].value == "=SUM(A1)" and ws["A2"].data_type == "s", ws["A2"].data_type
    assert ws["E3"].value == "-5" and ws["E3"].data_type == "s"
    assert ws["A4"].value == "@x" and ws["A4"].data_type == "s"
    # numbers are numbers
    assert ws["B2"].value == -42 and ws["B2"].data_type == "n"
    assert ws["B2"].number_format == "0", ws["B2"].number_format
    assert ws["C2"].value == 1234.5 and ws["C2"].number_format == "0.00"
    assert ws["C3"].number_format == "0.0"
    # real dates
    assert ws["D2"].value == datetime.datetime(2026, 2, 28), ws["D2"].value
    assert ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["D4"].value == datetime.datetime(1970, 1, 1), ws["D4"].value
    assert ws["D3"].value is None and ws["E2"].value is None
    # widths: longest value + 2, at least 8 (libxlsxwriter adds 0.71)
    widths = {c: int(ws.column_dimensions[c].width) for c in "ABDE"}
    assert widths == {"A": 11, "B": 8, "D": 12, "E": 8}, widths
    core = zipfile.ZipFile(path).read("docProps/core.xml").decode()
    assert "2026-09-30T12:00:00Z" in core, core
    assert "<dc:title>Test</dc:title>" in core, core


def check_long(path):
    ws = openpyxl.load_workbook(path)["L"]
    v = ws["A2"].value
    assert len(v) == 32767 and set(v) == {"\u00e5"}, len(v)
    assert ws["B2"].value == "a\ufffdb", ascii(ws["B2"].value)
    assert int(ws.column_dimensions["A"].width) == 60
    # a literal _xHHHH_ is protected so Excel shows it as written
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "_x005F_x0041_" in xml, "escape not protected"


def check_blocks(path):
    ws = openpyxl.load_workbook(path)["P"]
    v = ws["A2"].value
    assert len(v) == 32767 and set(v) == {"a"}, len(v)
    assert ws["C2"].value == "abcdefghij\ufffdklmnopqr", ascii(ws["C2"].value)
    # too large for a double to hold exactly: text
    assert ws["E2"].value == "-9223372036854775808" and ws["E2"].data_type == "s"
    assert ws["F2"].value == -7 and ws["F2"].data_type == "n"
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    for t in ("abc_x005F_x0041_defghijkl_x005F_x0042_mnop", "abcdefgh\u00e5\u00e4_x005F_x0043_"):
        assert t in xml, "escape not protected: " + t


def check_dates(path):
    ws = openpyxl.load_workbook(path)["D"]
    assert ws["A2"].value == datetime.datetime(1900, 1, 1), ws["A2"].value
    assert ws["A3"].value == datetime.datetime(1900, 2, 28), ws["A3"].value
    assert ws["A4"].value == datetime.datetime(1900, 3, 1), ws["A4"].value
    assert ws["A5"].value == datetime.datetime(9999, 12, 31), ws["A5"].value
    assert ws["A6"].value == "1899-12-31" and ws["A6"].data_type == "s"
    assert ws["B2"].value == "9007199254740993" and ws["B2"].data_type == "s"
    assert ws["B3"].value == 9007199254740992
    assert ws["C2"].value is None  # NaN is left blank


def check_interleaved(path):
    wb = openpyxl.load_workbook(path)
    for name, tag in (("Ett", "a"), ("Två", "b")):
        ws = wb[name]
        got = [ws.cell(row=r, column=1).value for r in range(1, 5)]
        assert got == ["H", tag + "1", tag + "2", tag + "3"], got
        assert ws.auto_filter.ref == "A1:A4", ws.auto_filter.ref


def check_chart(path):
    z = zipfile.ZipFile(path)
    xml = z.read("xl/charts/chart1.xml").decode()
    assert "<c:f>'O''Brien'!$A$2:$A$4</c:f>" in xml, xml
    assert "<c:f>'O''Brien'!$B$2:$B$4</c:f>" in xml, xml
    assert "<c:numCache>" in xml and "<c:v>30</c:v>" in xml, "no cached values"
    ws = openpyxl.load_workbook(path)["O'Brien"]
    assert ws["B4"].value == 30


def check_parts(path):
    wb = openpyxl.load_workbook(path)
    # 3 rows per part, header included: 5 data rows in three parts
    assert wb.sheetnames == ["Ett mycket långt namn på bladet",
                             "Ett mycket långt namn på bl (2)",
                             "Ett mycket långt namn på bl (3)"], wb.sheetnames
    rows = [[c.value for c in r] for ws in wb for r in ws.iter_rows()]
    assert rows == [["Nr"], [1], [2], ["Nr"], [3], [4], ["Nr"], [5]], rows
    for ws in wb:
        assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert wb.worksheets[2].auto_filter.ref == "A1:A2", wb.worksheets[2].auto_filter.ref


def check_look(path):
    wb = openpyxl.load_workbook(path)
    ws = wb["Bred"]
    # B identifies: frozen with the header (and A), repeated on every page
    assert ws.freeze_panes == "C2", ws.freeze_panes
    assert ws.print_title_cols.replace("$", "") == "B:B", ws.print_title_cols
    assert ws.print_title_rows.replace("$", "") == "1:1", ws.print_title_rows
    ps = ws.page_setup
    assert ps.orientation == "landscape" and str(ps.paperSize) == "9", ps.orientation
    assert str(ps.scale) == "70" and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ps.pageOrder == "overThenDown", ps.pageOrder
    # '&' doubled in the header codes (openpyxl shows the code; a
    # spreadsheet program prints one '&')
    assert ws.oddHeader.left.text == "Ö && Co kommun", ws.oddHeader.left.text
    assert ws.oddHeader.center.text == "Rapport 2026Q3"
    assert ws.oddHeader.right.text == "&A"   # the sheet's name
    assert ws.oddFooter.left.text == "Utvärderingsdatum 2026-09-30"
    assert ws.oddFooter.right.text == "Sida &P av &N", ws.oddFooter.right.text
    # C wraps at 10 characters (+2): rows of 1, 2 (two words a line),
    # 7 (64 characters broken in 10s) and 200 lines (2000 characters, cut
    # at Excel's 409 pt); the header wraps on two lines
    assert ws.column_dimensions["C"].width < 13, ws.column_dimensions["C"].width
    assert ws["C3"].alignment.wrap_text and not ws["A3"].alignment.wrap_text
    heights = [ws.row_dimensions[r].height for r in range(1, 7)]
    assert heights == [30, None, 30, 105, 409, None], heights
    assert ws["C2"].alignment.vertical == "top"
    # money: thousands separator, two decimals, kr; the totals row outside
    # the filter
    assert ws["W2"].value == 14875 and ws["W2"].number_format == '#,##0.00\\ "kr"', \
        ws["W2"].number_format
    assert ws.auto_filter.ref == "A1:W5", ws.auto_filter.ref
    assert ws["A6"].value == "Totalt"
    kv = wb["Nyckel"]
    assert kv.auto_filter.ref is None, kv.auto_filter.ref
    assert kv.freeze_panes == "A2"
    assert kv.page_setup.orientation == "portrait"
    assert kv.sheet_properties.pageSetUpPr.fitToPage and str(kv.page_setup.fitToHeight) == "0"
    assert kv["B2"].value == 59200 and "#,##0.00" in kv["B2"].number_format


CHECKS = {"look": check_look, "main": check_main, "long": check_long, "dates": check_dates,
          "blocks": check_blocks,
          "interleaved": check_interleaved, "chart": check_chart, "parts": check_parts}

if __name__ == "__main__":
    try:
        CHECKS[sys.argv[2]](sys.argv[1])
    except AssertionError as e:
        print("sheet_check.py %s: %s" % (sys.argv[2], e), file=sys.stderr)
        sys.exit(1)
