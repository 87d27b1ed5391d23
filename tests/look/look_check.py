#!/usr/bin/python3
"""Opens every workbook under the folders given with openpyxl (the real
client) and checks that each sheet is made to be worked from on screen and
on paper (SPEC 5):

  print set-up: A4, landscape exactly when the columns are wider than a
  portrait page; fitted to one page wide, or (too wide to fit at 70 %)
  printed at 70 % with the identifying columns repeated on every page;
  pages across then down; the header row repeated; the page header names
  the municipality, the report and its period, the footer the evaluation
  date and "Sida &P av &N";
  on screen: the header row and the identifying columns frozen; a text
  longer than its column wraps, and its row is high enough for it (the
  height evb set, at most 409 pt); dates as yyyy-mm-dd; amounts in a
  "(kr)" column with thousands separator and two decimals;
  key/value sheets without autofilter, a totals row outside the filter;
  no English words and no raw catalogue codes in visible cells (the
  content of "Kontroller" is left out: its wording is another change's).

usage: look_check.py MUNICIPALITY DIR...    exit 0 = fine, 1 = a failure
"""
import glob
import math
import re
import sys

import openpyxl
from openpyxl.utils import get_column_letter

PT_PER_CHAR = 7.0          # as src/sheet.c: a character of column width
PORTRAIT_PT, LANDSCAPE_PT = 494.0, 741.0
# the working list's order times are real date-times (SPEC 5.4)
DATETIME_HEADERS = {"Skickad", "Ska bekräftas senast", "Bekräftad"}
ENGLISH = re.compile(r"\b(the|first|candidate|used|record|records|rejected|missing|"
                     r"unknown|duplicate|invalid|error|not|and|of|with|from)\b", re.I)
RAW_CODE = re.compile(r"\b(SOL_[A-Z_]+|LSS\d+_\d+|[a-z]+_[a-z_]+)\b")
failures = []


def fail(where, what):
    failures.append("%s: %s" % (where, what))


def wrap_lines(text, width):
    """Lines of text wrapped at width characters (as src/sheet.c counts)."""
    lines = 0
    for para in str(text).split("\n"):
        lines += 1
        col = 0
        for word in para.split(" "):
            n = len(word)
            if col > 0 and col + n + 1 > width:
                lines += 1
                col = 0
            while n > width:
                lines += 1
                n -= width
            col += n + (1 if col else 0)
    return lines


def check_sheet(book, ws, municipality):
    where = "%s/%s" % (book, ws.title)
    headers = [c.value for c in ws[1]]
    ncols = len(headers)
    widths = [ws.column_dimensions[get_column_letter(i + 1)].width or 8.43
              for i in range(ncols)]
    total = sum(widths) * PT_PER_CHAR
    ps = ws.page_setup
    # A4, orientation
    if str(ps.paperSize) != "9":
        fail(where, "paper %s, not A4" % ps.paperSize)
    want = "portrait" if total <= PORTRAIT_PT else "landscape"
    if ps.orientation != want:
        fail(where, "orientation %s, columns %.0f pt wide" % (ps.orientation, total))
    page = PORTRAIT_PT if want == "portrait" else LANDSCAPE_PT
    fit = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    frozen = ws.freeze_panes or "A1"
    nid = openpyxl.utils.cell.column_index_from_string(re.match(r"[A-Z]+", frozen).group()) - 1
    title_cols = (ws.print_title_cols or "").replace("$", "")
    title_rows = (ws.print_title_rows or "").replace("$", "")
    ids = [get_column_letter(i + 1) for i, h in enumerate(headers)
           if h in ("IVO-id", "Personnummer", "Namn", "Beslut-id", "Enhet", "Fil", "Rad",
                    "Kontroll")]
    if total <= page / 0.70:
        # fitToWidth 1 is the default, which openpyxl reads as None
        if not fit or str(ps.fitToWidth or 1) != "1" or str(ps.fitToHeight) != "0":
            fail(where, "fits one page wide at >= 70 %% but is not fitted (%s %s %s)"
                 % (fit, ps.fitToWidth, ps.fitToHeight))
    else:
        if fit or str(ps.scale) != "70":
            fail(where, "too wide to fit at 70 %% but fit %s scale %s" % (fit, ps.scale))
        first, _, last = title_cols.partition(":")
        if not first or not ids or first not in ids or last not in ids or \
                openpyxl.utils.cell.column_index_from_string(last) > nid:
            fail(where, "wide sheet without its identifying columns repeated (%s, frozen %s)"
                 % (title_cols, frozen))
    if ps.pageOrder != "overThenDown":
        fail(where, "pages not across then down: %s" % ps.pageOrder)
    if title_rows != "1:1":
        fail(where, "header row not repeated: %s" % title_rows)
    head, foot = ws.oddHeader, ws.oddFooter
    if head.left.text != municipality or not re.search(r" (\d{4}Q\d|\d{4}-\d\d(-\d\d)?)$",
                                                       head.center.text or "") or \
            head.right.text != "&A":
        fail(where, "page header %r / %r / %r" % (head.left.text, head.center.text,
                                                  head.right.text))
    if not (foot.left.text or "").startswith("Utvärderingsdatum ") or \
            foot.right.text != "Sida &P av &N":
        fail(where, "page footer %r / %r" % (foot.left.text, foot.right.text))
    # frozen header row (and the identifying columns)
    if not re.match(r"^[A-Z]+2$", frozen):
        fail(where, "header row not frozen: %s" % frozen)
    kontroller = ws.title == "Kontroller"
    if "Personnummer" in headers and ncols > 8 and not kontroller and \
            headers.index("Personnummer") >= nid:
        fail(where, "Personnummer not among the frozen columns (%s)" % frozen)
    # autofilter: none on key/value sheets
    key_value = headers[:2] == ["Uppgift", "Värde"]
    if key_value and ws.auto_filter.ref:
        fail(where, "key/value sheet with an autofilter %s" % ws.auto_filter.ref)
    if not key_value and not ws.auto_filter.ref:
        fail(where, "table without autofilter")
    last_filtered = ws.max_row
    if ws.auto_filter.ref:
        last_filtered = int(re.search(r"(\d+)$", ws.auto_filter.ref).group(1))
    for r, row in enumerate(ws.iter_rows(min_row=2), start=2):
        need = 1
        for c, cell in enumerate(row[:ncols]):
            v = cell.value
            if v is None:
                continue
            h = headers[c] or ""
            want = "yyyy-mm-dd hh:mm" if h in DATETIME_HEADERS else "yyyy-mm-dd"
            if cell.is_date and cell.number_format != want:
                fail(where, "%s: date format %s" % (cell.coordinate, cell.number_format))
            if h.endswith("(kr)") and not key_value and isinstance(v, (int, float)) and \
                    "#,##0.00" not in cell.number_format:
                fail(where, "%s: amount format %s" % (cell.coordinate, cell.number_format))
            if isinstance(v, str):
                if len(v) > widths[c] - 1 and not cell.alignment.wrap_text:
                    fail(where, "%s: %d characters clipped in width %.0f"
                         % (cell.coordinate, len(v), widths[c]))
                if cell.alignment.wrap_text:
                    need = max(need, wrap_lines(v, int(widths[c]) - 2))
                m = ENGLISH.search(v)
                if m:
                    fail(where, "%s: English word %r in %r" % (cell.coordinate, m.group(), v[:60]))
                # file and column names of the export are the export's own
                m = next((m for m in RAW_CODE.finditer(v)
                          if v[m.end():m.end() + 4] not in (".csv", ".xml")), None)
                if m and h not in ("Fil", "Kolumn", "Värde", "SHA-256"):
                    fail(where, "%s: raw code %r" % (cell.coordinate, m.group()))
            if str(v).startswith("Totalt") and r <= last_filtered and ws.auto_filter.ref:
                fail(where, "totals row %d inside the autofilter %s" % (r, ws.auto_filter.ref))
        height = ws.row_dimensions[r].height
        if need > 1:
            want_h = min(409.0, need * 15.0)
            if height is None or height + 0.01 < want_h or height > 409:
                fail(where, "row %d: %d wrapped lines but height %s" % (r, need, height))
    for h in ws.row_dimensions.values():
        if h.height and h.height > 409:
            fail(where, "row height %s over 409 pt" % h.height)
    # a chart prints whole: below the table, from the first column
    for ch in ws._charts:
        anchor = ch.anchor._from
        if anchor.col != 0 or anchor.row < ws.max_row:
            fail(where, "chart at row %d col %d, not below the table" % (anchor.row, anchor.col))


def main():
    municipality = sys.argv[1]
    books = sorted(f for d in sys.argv[2:] for f in glob.glob(d + "/**/*.xlsx", recursive=True))
    if not books:
        print("look_check: no workbooks")
        return 1
    n = 0
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb:
            check_sheet(path.rsplit("/", 1)[-1], ws, municipality)
            n += 1
    for f in failures[:40]:
        print("look_check:", f)
    if failures:
        print("look_check: %d failures" % len(failures))
        return 1
    print("look_check: %d sheets of %d workbooks ok" % (n, len(books)))
    return 0


sys.exit(main())
