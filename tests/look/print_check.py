#!/usr/bin/python3
"""Prints every workbook under DIR to PDF with LibreOffice headless (a
private profile folder made with mktemp) and reads the pages back with
pdftotext, as a reader of the printout would:

  every page carries the page header (municipality) and the footer
  "Sida n av m"; every page starts with the sheet's header row, and that
  row starts with the identifying column the sheet repeats on its pages
  (personnummer, beslut-id, enhet, fil ...) or, for a sheet fitted to one
  page wide, with its first column; every page holds data under the
  header (no page with only a fragment of a row: evb keeps rows at most
  409 pt, less than a page, and spreadsheet programs break pages between
  rows); the page count of each workbook stays within the bound below.

usage: print_check.py MUNICIPALITY DIR     exit 0 = fine, 1 = a failure
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import openpyxl

# Page counts of the sample workbooks (samples/export, 2026Q3, 2026-10,
# as of 2026-11-22), with the reason for each bound. Before the sheets had
# print settings: ivo 73 pages for 40 cases, avgift 64, bevakning 27,
# statistik 13, kontroll 9, maltider 8.
BOUNDS = {
    # Individrapporter: 40 rows, about 580 characters wide: at 70 % a
    # landscape page holds about 150, so 4 to 5 pages across (personnummer
    # and namn repeated), 2 to 3 pages down (wrapped rows, one 409 pt row
    # for the 4000-character summary): at most 15; Meddelanden: 45
    # messages, each with its body to paste (7 to 12 wrapped lines, 105 to
    # 180 pt), about 220 characters wide: 2 pages across (IVO-id,
    # personnummer and namn repeated), 4 to 5 messages a page down, so
    # about 24 pages; Sammanfattning, Kontroller and Avvisade rader about
    # 2 pages each. Today 53 (73 before print settings, when Meddelanden
    # held 40 one-line rows without bodies).
    "ivo-2026Q3.xlsx": 60,
    # 5 small sheets fitted one page wide, about a page each. Today 6.
    "statistik-2026Q3.xlsx": 8,
    # Avgiftsunderlag: 301 rows of 14 columns (about 215 characters): 2
    # pages across, about 45 rows a page at 70 %: 7 down, 14 in all, more
    # for wrapped rows; Per person (237 rows) 2 across x 6 down; the other
    # sheets fitted. Today 49.
    "avgift-2026-10.xlsx": 60,
    # 74 decisions of 18 columns (about 295 characters): 3 across x 2 down;
    # the other sheets fitted. Today 14.
    "bevakning-2026-11-22.xlsx": 20,
    # 4 fitted sheets. Today 4.
    "kontroll-2026-11-22.xlsx": 6,
    "maltider-2026-10.xlsx": 6,
}
failures = []


def fail(where, what):
    failures.append("%s: %s" % (where, what))


def first_word(s):
    return (s or "").split()[0] if (s or "").split() else ""


def sheet_heads(path):
    """First words a page's header row may start with: the repeated
    identifying column of a wide sheet, else the first column; and the
    words of the page headers (a long one takes two lines on a portrait
    page)."""
    heads, words = set(), set()
    for ws in openpyxl.load_workbook(path):
        words.update((ws.oddHeader.left.text or "").split())
        words.update((ws.oddHeader.center.text or "").split())
        words.update(ws.title.split())   # the header's right part: &A
        headers = [c.value for c in ws[1]]
        cols = (ws.print_title_cols or "").replace("$", "")
        if cols:
            i = openpyxl.utils.cell.column_index_from_string(cols.split(":")[0]) - 1
            heads.add(first_word(headers[i]))
        heads.add(first_word(headers[0]))
    return heads, words


def main():
    municipality, folder = sys.argv[1], sys.argv[2]
    books = sorted(glob.glob(folder + "/**/*.xlsx", recursive=True))
    if not books:
        print("print_check: no workbooks")
        return 1
    if not shutil.which("soffice") or not shutil.which("pdftotext"):
        print("print_check: soffice or pdftotext missing (make deps installs them)")
        return 1
    tmp = tempfile.mkdtemp()
    try:
        profile = os.path.join(tmp, "profile")
        pdfs = os.path.join(tmp, "pdf")
        os.mkdir(pdfs)
        for b in books:
            shutil.copy(b, pdfs)
        subprocess.run(["soffice", "-env:UserInstallation=file://" + profile, "--headless",
                        "--convert-to", "pdf", "--outdir", pdfs]
                       + sorted(glob.glob(pdfs + "/*.xlsx")),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600)
        total = 0
        for b in books:
            name = os.path.basename(b)
            pdf = os.path.join(pdfs, name[:-5] + ".pdf")
            if not os.path.exists(pdf):
                fail(name, "not converted to PDF")
                continue
            text = subprocess.run(["pdftotext", "-layout", pdf, "-"], check=True,
                                  capture_output=True, text=True).stdout
            pages = text.split("\f")
            if pages and not pages[-1].strip():
                pages.pop()
            total += len(pages)
            bound = BOUNDS.get(name)
            if bound is None:
                fail(name, "no page bound in the test")
            elif len(pages) > bound:
                fail(name, "%d pages, more than the bound %d" % (len(pages), bound))
            heads, head_words = sheet_heads(b)
            for n, page in enumerate(pages, start=1):
                lines = [l.strip() for l in page.split("\n") if l.strip()]
                where = "%s page %d" % (name, n)
                if len(lines) < 4:
                    fail(where, "no data under the header: %r" % lines)
                    continue
                if not lines[0].startswith(municipality):
                    fail(where, "page header %r" % lines[0][:60])
                if not re.search(r"Sida %d av %d$" % (n, len(pages)), lines[-1]) or \
                        "Utvärderingsdatum" not in lines[-1]:
                    fail(where, "page footer %r" % lines[-1][:80])
                row = 1
                while row < len(lines) - 1 and set(lines[row].split()) <= head_words:
                    row += 1
                if first_word(lines[row]) not in heads:
                    fail(where, "header row does not start with the identifying column: %r"
                         % lines[row][:60])
                elif row + 2 >= len(lines):
                    fail(where, "no data under the header row")
        for f in failures[:40]:
            print("print_check:", f)
        if failures:
            print("print_check: %d failures" % len(failures))
            return 1
        print("print_check: %d pages of %d workbooks ok" % (total, len(books)))
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


sys.exit(main())
