#!/usr/bin/env python3
"""The vendor-shaped twin of an export set, and its import profile.

    leverantor.py [--src samples/export] [--out samples/export-leverantor]
                  [--profile samples/leverantor.profile]

Rewrites every CSV file of --src the way a case-management system's own
export looks (SPEC 4.2): other file names, Swedish column headers,
DD.MM.YYYY dates, code texts instead of evb's codes ("Beviljat",
"Hemtjänst SoL"), personnummer with a hyphen, booleans as Ja/Nej. Each
file keeps its encoding (the Windows-1252 one stays Windows-1252), its
line endings, its rows and their order; XML files are copied as they
are (profiles apply to CSV only). Values that are not evb codes or ISO
dates (the deliberate export errors) are left alone, so the twin holds
the same facts, errors included. The vendor file names sort in the same
order as the plain ones, so findings and rejected rows come in the same
order. Writes the profile that reads the twin back. Re-run it whenever
--src is regenerated: the same input always gives the same bytes.
"""
import argparse
import csv
import io
import os
import re
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# kind -> (vendor file name prefix, {evb column: vendor header})
KINDS = {
    "personer": ("Personregister", {
        "person_id": "Personnummer", "fornamn": "Förnamn", "efternamn": "Efternamn",
        "kon": "Kön", "fodelsedatum": "Födelsedatum", "skyddad": "Skyddad identitet",
        "avliden_datum": "Avliden", "avgiftsutrymme": "Avgiftsutrymme (kr/mån)"}),
    "beslut": ("Beslut", {
        "beslut_id": "Beslutsnummer", "person_id": "Personnummer", "lagrum": "Lagrum",
        "insats": "Insats", "beslutsdatum": "Beslutsdatum", "utfall": "Beslut",
        "forhandsbesked": "Förhandsbesked", "giltig_from": "Giltigt från",
        "giltig_tom": "Giltigt till", "avslutad_datum": "Avslutad",
        "avslutsorsak": "Avslutsorsak", "ersatter_beslut_id": "Ersätter beslut",
        "omfattning": "Omfattning", "omfattning_enhet": "Enhet för omfattning",
        "verkstalls_externt": "Extern utförare", "handlaggare": "Handläggare",
        "enhet": "Enhet"}),
    "bestallningar": ("Bestallning", {
        "bestallning_id": "Beställningsnummer", "beslut_id": "Beslutsnummer",
        "utforare": "Utförare", "skickad": "Skickad", "bekraftad": "Bekräftad",
        "avslutad_datum": "Avslutad"}),
    "verkstalligheter": ("Verkstallighet", {
        "verkstallighet_id": "Verkställighetsnummer", "beslut_id": "Beslutsnummer",
        "startdatum": "Startdatum", "bestallning_id": "Beställningsnummer",
        "utforare": "Utförare", "slutdatum": "Slutdatum", "omfattning": "Omfattning"}),
    "avbrott": ("Avbrott", {
        "avbrott_id": "Avbrottsnummer", "beslut_id": "Beslutsnummer", "fran_datum": "Från",
        "verkstallighet_id": "Verkställighetsnummer", "till_datum": "Till",
        "orsak": "Orsak", "registrerad_datum": "Registrerad"}),
    "handelser": ("Journal", {
        "handelse_id": "Händelsenummer", "beslut_id": "Beslutsnummer", "datum": "Datum",
        "typ": "Händelsetyp", "skal_kategori": "Skälkategori", "skal_orsak": "Skäl",
        "text": "Anteckning"}),
    "maltider": ("Maltidsregistrering", {
        "person_id": "Personnummer", "enhet": "Enhet", "datum": "Datum", "manad": "Månad",
        "antal": "Antal", "maltidstyp": "Måltid"}),
}

DATES = {
    "personer": ["fodelsedatum", "avliden_datum"],
    "beslut": ["beslutsdatum", "giltig_from", "giltig_tom", "avslutad_datum"],
    "bestallningar": ["avslutad_datum"],
    "verkstalligheter": ["startdatum", "slutdatum"],
    "avbrott": ["fran_datum", "till_datum", "registrerad_datum"],
    "handelser": ["datum"],
    "maltider": ["datum"],
}
DATETIMES = {"bestallningar": ["skickad", "bekraftad"]}
PERSON_IDS = {"personer": "person_id", "beslut": "person_id", "maltider": "person_id"}
BOOLS = {"personer": ["skyddad"], "beslut": ["forhandsbesked", "verkstalls_externt"]}

# (kind, column) -> {evb code: vendor text}; insats comes from the catalogue
CODES = {
    ("personer", "kon"): {"K": "Kvinna", "M": "Man"},
    ("beslut", "lagrum"): {"SoL": "Socialtjänstlagen", "LSS": "Lag om stöd och service"},
    ("beslut", "utfall"): {"bifall": "Beviljat", "delvis_bifall": "Delvis beviljat",
                           "avslag": "Avslaget"},
    ("beslut", "avslutsorsak"): {
        "avliden": "Avliden", "flyttat": "Flyttat från kommunen",
        "aterkallad": "Återkallad", "behov_upphort": "Behov upphört",
        "lopt_ut": "Beslutet har löpt ut", "nytt_beslut": "Ersatt av nytt beslut",
        "annat": "Annan orsak"},
    ("beslut", "omfattning_enhet"): {
        "tim/man": "Timmar per månad", "tim/vecka": "Timmar per vecka",
        "tillf/vecka": "Tillfällen per vecka", "dygn/man": "Dygn per månad",
        "st/man": "Antal per månad"},
    ("handelser", "typ"): {
        "erbjudande": "Erbjudande", "tackat_ja": "Tackat ja", "tackat_nej": "Tackat nej",
        "kontakt": "Kontakt", "sammanfattning": "Sammanfattning",
        "delvis_verkstallt": "Delvis verkställt",
        "kompenserande_insats": "Kompenserande insats", "skal": "Skäl angivet"},
    ("maltider", "maltidstyp"): {
        "lunch": "Lunch", "frukost": "Frukost", "mellanmal": "Mellanmål",
        "middag": "Middag", "matlada": "Matlåda"},
}

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})((?:[ T]\d{2}:\d{2}(?::\d{2})?)?)$")


def insats_texts():
    codes = {}
    with open(os.path.join(ROOT, "templates", "insatser.csv"), encoding="utf-8") as f:
        rows = [l for l in f.read().splitlines() if l and not l.startswith("#")]
    for row in list(csv.reader(rows, delimiter=";"))[1:]:
        codes[row[0]] = f"{row[3]} {row[1]}"
    assert len(set(codes.values())) == len(codes), "insats texts must differ"
    return codes


def kind_of(name):
    """The kind of a plain CSV file name: the longest matching prefix."""
    best = None
    for k in KINDS:
        if name.lower().startswith(k) and (best is None or len(k) > len(best)):
            best = k
    return best


def vendor_name(name, kind):
    if kind is None:
        return name[:1].upper() + name[1:]
    rest = name[len(kind):]
    stem, ext = os.path.splitext(rest)
    return f"{KINDS[kind][0]}_2026{stem}{ext}"


def convert(kind, col, value, codes):
    if col in DATES.get(kind, []) + DATETIMES.get(kind, []):
        m = ISO.match(value)
        if m:
            return f"{m.group(3)}.{m.group(2)}.{m.group(1)}{m.group(4)}"
        return value
    if PERSON_IDS.get(kind) == col and re.fullmatch(r"\d{12}", value):
        return value[:8] + "-" + value[8:]
    if col in BOOLS.get(kind, []) and value in ("0", "1"):
        return "Ja" if value == "1" else "Nej"
    table = codes.get((kind, col))
    if table:
        for code, text in table.items():
            if code.lower() == value.lower():
                return text
    return value


def rewrite(src, dst, kind, codes, present):
    raw = open(src, "rb").read()
    try:
        text, enc = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, enc = raw.decode("cp1252"), "cp1252"
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    crlf = "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = [h.strip().lower() for h in rows[0]]
    names = KINDS[kind][1]
    present.setdefault(kind, set()).update(h for h in header if h in names)
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=";", lineterminator="\r\n" if crlf else "\n")
    w.writerow([names.get(h, h) for h in header])
    for row in rows[1:]:
        w.writerow([convert(kind, header[i], v.strip(" \t"), codes) if i < len(header) else v
                    for i, v in enumerate(row)])
    data = out.getvalue()
    with open(dst, "wb") as f:
        f.write((("\ufeff" if bom else "") + data).encode(enc))


def profile_text(codes, present):
    out = ["# Import profile for the vendor-shaped sample export (samples/export-leverantor),",
           "# written by tests/gen/leverantor.py. See README.md, 'Import profiles'.",
           "#   evb ivo --period 2026Q3 --in samples/export-leverantor \\",
           "#       --profile samples/leverantor.profile --config samples/evb.conf", ""]
    for kind, (prefix, cols) in KINDS.items():
        if kind not in present:
            continue
        # only the columns the export has: a mapped column missing from a
        # file is an error
        seen = present[kind]
        out.append(f"# {kind}")
        out.append(f"file.{kind} = {prefix}_*.csv")
        for col, header in cols.items():
            if col in seen:
                out.append(f"{kind}.{col} = {header}")
        for col in DATES.get(kind, []):
            if col in seen:
                out.append(f"format.{kind}.{col} = DD.MM.YYYY")
        for col in DATETIMES.get(kind, []):
            if col in seen:
                out.append(f"format.{kind}.{col} = DD.MM.YYYY HH:MM")
        for (k, col), table in codes.items():
            if k == kind and col in seen:
                for code, text in table.items():
                    out.append(f"code.{kind}.{col}.{code} = {text}")
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", default=os.path.join(ROOT, "samples", "export"))
    ap.add_argument("--out", default=os.path.join(ROOT, "samples", "export-leverantor"))
    ap.add_argument("--profile", default=os.path.join(ROOT, "samples", "leverantor.profile"))
    args = ap.parse_args()
    codes = dict(CODES)
    codes[("beslut", "insats")] = insats_texts()
    names = sorted(n for n in os.listdir(args.src) if not n.startswith("."))
    vendor = [vendor_name(n, kind_of(n) if n.lower().endswith(".csv") else None) for n in names]
    if sorted(vendor) != vendor or len(set(vendor)) != len(vendor):
        sys.exit("leverantor.py: the vendor names would sort in another order: " +
                 ", ".join(vendor))
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    present = {}
    for name, vname in zip(names, vendor):
        src, dst = os.path.join(args.src, name), os.path.join(args.out, vname)
        kind = kind_of(name) if name.lower().endswith(".csv") else None
        if kind:
            rewrite(src, dst, kind, codes, present)
        else:
            shutil.copyfile(src, dst)
    with open(args.profile, "w", encoding="utf-8", newline="\n") as f:
        f.write(profile_text(codes, present))


if __name__ == "__main__":
    main()
