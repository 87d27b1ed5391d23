#!/usr/bin/env python3
"""Deterministic synthetic export set for evb (fictional people and data).

    gen_export.py --out DIR --persons N [--seed S] [--asof YYYY-MM-DD]
                  [--cp1252-personer] [--bench] [--xml FILE]

Writes personer.csv, beslut.csv, bestallningar.csv, verkstalligheter.csv,
avbrott.csv, handelser.csv and maltider.csv (';'-separated, UTF-8; with
--cp1252-personer the persons file is Windows-1252). Meals cover the two
months before the as-of month (see write_meals). Rows are written as
they are generated, so a million decisions need little memory. The same
arguments always give the same bytes: the only randomness is
random.Random(seed).

--bench (for `make bench`) adds, from a second random stream so that the
first one and the sample set stay as they are: a change of utförare
(a second execution) for most executed decisions that run long enough, a
second interruption for about 30 %, two or three more journal events per
favourable
decision (kontakt, then an offer accepted or a summary), decisions dated at
a month's end (about 10 %) and decisions replacing the person's previous
one (ersatter_beslut_id, about 5 %). Per decision that gives about 1.2
executions, 0.2 interruptions, 2 journal events and 0.67 persons.

--xml FILE (for `make bench`) also writes the same records as one XML
export (templates/evb-export.xsd) into FILE: the CSV files' records, file
by file in the order of KIND_FILES, each value as a child element named
like its column (an empty value is left out, which evb reads the same).
"""
import argparse
import csv
import datetime as dt
import os
import random
from xml.sax.saxutils import escape

INSATSER = [
    # code, lagrum, unit, typical omfattning
    ("LSS9_2", "LSS", "tim/vecka", 40), ("LSS9_3", "LSS", "tim/man", 10),
    ("LSS9_4", "LSS", "tillf/vecka", 1), ("LSS9_5", "LSS", "tim/man", 8),
    ("LSS9_6", "LSS", "dygn/man", 6), ("LSS9_7", "LSS", "tim/vecka", 15),
    ("LSS9_8", "LSS", "dygn/man", 30), ("LSS9_9", "LSS", "dygn/man", 30),
    ("LSS9_10", "LSS", "tillf/vecka", 5),
    ("SOL_HEMTJANST", "SoL", "tim/man", 20), ("SOL_HEMTJANST", "SoL", "tim/man", 35),
    ("SOL_HEMTJANST", "SoL", "tim/man", 12),
    ("SOL_DAGVERKSAMHET", "SoL", "tillf/vecka", 3),
    ("SOL_SARSKILT_BOENDE", "SoL", "dygn/man", 30),
    ("SOL_KORTTIDSVISTELSE", "SoL", "dygn/man", 8),
    ("SOL_LEDSAGNING", "SoL", "tim/man", 6), ("SOL_AVLOSNING", "SoL", "tim/man", 8),
    ("SOL_KONTAKTPERSON", "SoL", "tillf/vecka", 1),
    ("SOL_BOENDESTOD", "SoL", "tim/vecka", 3),
    ("SOL_TRYGGHETSLARM", "SoL", "st/man", 1),
    ("SOL_MATDISTRIBUTION", "SoL", "st/man", 30),
    ("SOL_SYSSELSATTNING", "SoL", "tillf/vecka", 2),
    ("SOL_BOSTAD_SARSKILD_SERVICE", "SoL", "dygn/man", 30),
]
FORNAMN_K = ["Anna", "Eva", "Maria", "Karin", "Kerstin", "Ingrid", "Birgitta",
             "Margareta", "Åsa", "Märta", "Gunnel", "Solveig", "Agnes", "Elsa"]
FORNAMN_M = ["Lars", "Karl", "Erik", "Per", "Anders", "Johan", "Nils",
             "Åke", "Göran", "Sören", "Olle", "Bengt", "Håkan", "Jörgen"]
EFTERNAMN = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson",
             "Larsson", "Olsson", "Persson", "Svensson", "Gustafsson",
             "Lindström", "Öberg", "Åström", "Bäckström", "Sjöberg", "Ström"]
UTFORARE = ["Hemtjänst Norr", "Hemtjänst Söder", "Omsorg i Väst AB",
            "Daglig verksamhet Verkstan", "Vårdboendet Linden",
            "Korttidsboendet Eken", "Assistans Kompaniet AB"]
ENHETER = ["Dagcentralen Solrosen", "Träffpunkt Ängen"]
SKAL = [("kommunen", "saknar_plats"), ("kommunen", "personal"),
        ("den_enskilde", "specifika_onskemal"), ("den_enskilde", "nej_missnojd"),
        ("utanfor_kommunen", "annan_huvudman")]


def luhn_digit(nine):
    s = 0
    for i, ch in enumerate(nine):
        v = int(ch) * (2 if i % 2 == 0 else 1)
        s += v - 9 if v > 9 else v
    return str((10 - s % 10) % 10)


def personnummer(birth, serial, woman, samordning=False):
    """12 digits: birth YYYYMMDD, three serial digits (the third even for a
    woman), Luhn digit over the 10-digit form."""
    day = birth.day + (60 if samordning else 0)
    third = serial % 10
    if (third % 2 == 0) != woman:
        third = (third + 1) % 10
    nnn = "%02d%d" % (serial // 10 % 100, third)
    ten9 = "%02d%02d%02d%s" % (birth.year % 100, birth.month, day, nnn)
    return "%04d%02d%02d%s%s" % (birth.year, birth.month, day, nnn, luhn_digit(ten9))


def d(x):
    return x.isoformat() if x else ""


class Writer:
    def __init__(self, outdir, name, header, encoding="utf-8"):
        self.f = open(os.path.join(outdir, name), "w", encoding=encoding, newline="")
        self.f.write(";".join(header) + "\r\n")

    def row(self, *values):
        out = []
        for v in values:
            v = "" if v is None else str(v)
            if any(c in v for c in ';"\r\n'):
                v = '"' + v.replace('"', '""') + '"'
            out.append(v)
        self.f.write(";".join(out) + "\r\n")

    def close(self):
        self.f.close()


def meal_calendar(asof):
    """The two months before the as-of month, once: [(YYYY-MM, [(date,
    weekday, ISO text)])]."""
    first = dt.date(asof.year, asof.month, 1)
    m2 = (first - dt.timedelta(days=1)).replace(day=1)
    m1 = (m2 - dt.timedelta(days=1)).replace(day=1)
    months = []
    for mf in (m1, m2):
        days, x = [], mf
        while x.month == mf.month:
            days.append((x, x.weekday(), x.isoformat()))
            x += dt.timedelta(days=1)
        months.append(("%04d-%02d" % (mf.year, mf.month), days))
    return months


def write_meals(out, months, pnr, nb, vs, ve, pause, avliden):
    """Meals of one dagverksamhet decision, without random numbers (so the
    random stream of every other file does not depend on them): only on
    delivered days - inside the execution [vs, ve], outside its avbrott,
    not after a death. The unit follows the decision number: even numbers
    go to ENHETER[0], which registers each meal per date (lunch on Mondays,
    Wednesdays and Fridays; about every third guest, nb % 3 == 1, also a
    mellanmål on Wednesdays); odd numbers go to ENHETER[1], which reports a
    monthly count (column manad, empty datum) of lunches on Tuesdays and
    Thursdays."""
    last = ve
    if avliden is not None and (last is None or avliden < last):
        last = avliden
    per_date = nb % 2 == 0
    enhet = ENHETER[nb % 2]
    mellanmal = nb % 3 == 1
    for manad, days in months:
        if days[-1][0] < vs or (last is not None and days[0][0] > last):
            continue
        n = 0
        for md, wd, iso in days:
            if md < vs or (last is not None and md > last):
                continue
            if pause is not None and md >= pause[0] and (pause[1] is None or md <= pause[1]):
                continue
            if per_date:
                if wd == 0 or wd == 2 or wd == 4:
                    out.row(pnr, enhet, iso, "", "lunch", 1)
                    if wd == 2 and mellanmal:
                        out.row(pnr, enhet, iso, "", "mellanmal", 1)
            elif wd == 1 or wd == 3:
                n += 1
        if n:
            out.row(pnr, enhet, "", manad, "lunch", n)


def month_end(x):
    nxt = (x.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def generate(args):
    rnd = random.Random(args.seed)
    more = random.Random(args.seed * 7919 + 1) if args.bench else None
    asof = dt.date.fromisoformat(args.asof)
    os.makedirs(args.out, exist_ok=True)
    enc = "cp1252" if args.cp1252_personer else "utf-8"
    w = {
        "p": Writer(args.out, "personer.csv", ["person_id", "fornamn", "efternamn", "kon",
                    "skyddad", "avliden_datum", "avgiftsutrymme"], enc),
        "b": Writer(args.out, "beslut.csv", ["beslut_id", "person_id", "lagrum", "insats",
                    "beslutsdatum", "utfall", "forhandsbesked", "giltig_from", "giltig_tom",
                    "avslutad_datum", "avslutsorsak", "ersatter_beslut_id", "omfattning",
                    "omfattning_enhet", "verkstalls_externt", "handlaggare"]),
        "o": Writer(args.out, "bestallningar.csv", ["bestallning_id", "beslut_id", "utforare",
                    "skickad", "bekraftad"]),
        "v": Writer(args.out, "verkstalligheter.csv", ["verkstallighet_id", "beslut_id",
                    "startdatum", "bestallning_id", "utforare", "slutdatum"]),
        "a": Writer(args.out, "avbrott.csv", ["avbrott_id", "beslut_id", "fran_datum",
                    "verkstallighet_id", "till_datum", "orsak", "registrerad_datum"]),
        "h": Writer(args.out, "handelser.csv", ["handelse_id", "beslut_id", "datum", "typ",
                    "skal_kategori", "skal_orsak", "text"]),
        "m": Writer(args.out, "maltider.csv", ["person_id", "enhet", "datum", "manad",
                    "maltidstyp", "antal"]),
    }
    meal_months = meal_calendar(asof)
    start = asof - dt.timedelta(days=730)
    span = (asof - start).days
    nb = 0
    used = set()
    for i in range(args.persons):
        woman = rnd.random() < 0.58
        birth = dt.date(1925, 1, 1) + dt.timedelta(days=rnd.randrange(0, 83 * 365))
        serial = rnd.randrange(0, 1000)
        samordning = rnd.random() < 0.02
        pnr = personnummer(birth, serial, woman, samordning)
        while pnr in used:      # personnummer are unique: take the next serial
            serial = (serial + 2) % 1000
            pnr = personnummer(birth, serial, woman, samordning)
        used.add(pnr)
        fn = rnd.choice(FORNAMN_K if woman else FORNAMN_M)
        en = rnd.choice(EFTERNAMN)
        avliden = asof - dt.timedelta(days=rnd.randrange(1, 400)) if rnd.random() < 0.03 else None
        w["p"].row(pnr, fn, en, "K" if woman else "M", 1 if rnd.random() < 0.01 else 0,
                   d(avliden), rnd.choice(["", "1850", "2400,50", "900"]))
        beslut_rows = []
        for _ in range(1 + (rnd.random() < 0.4) + (rnd.random() < 0.1)):
            nb += 1
            bid = "B%07d" % nb
            code, lagrum, unit, omf = rnd.choice(INSATSER)
            bd = start + dt.timedelta(days=rnd.randrange(0, span))
            if more and more.random() < 0.10 and month_end(bd) <= asof:
                bd = month_end(bd)
            utfall = "avslag" if rnd.random() < 0.07 else ("delvis_bifall" if rnd.random() < 0.1 else "bifall")
            brow = [bid, pnr, lagrum, code, d(bd), utfall,
                    1 if code.startswith("LSS") and rnd.random() < 0.03 else 0,
                    d(bd), "", "", "", "", omf, unit,
                    1 if code == "LSS9_8" and rnd.random() < 0.5 else 0,
                    "handläggare %d" % rnd.randrange(1, 9)]
            if more and beslut_rows and more.random() < 0.05:
                brow[11] = beslut_rows[-1][0]
            beslut_rows.append(brow)
            if utfall == "avslag":
                continue
            if more:
                kd = bd + dt.timedelta(days=more.randrange(7, 70))
                if kd <= asof:
                    w["h"].row("H" + bid[1:] + "k", bid, d(kd), "kontakt", "", "",
                               "Kontakt med den enskilde")
                    od = kd + dt.timedelta(days=more.randrange(1, 30))
                    if od <= asof:
                        if more.random() < 0.5:
                            w["h"].row("H" + bid[1:] + "j", bid, d(od), "tackat_ja", "", "", "")
                        else:
                            w["h"].row("H" + bid[1:] + "m", bid, d(od), "sammanfattning", "", "",
                                       "Sammanfattning: planering pågår")
                        if more.random() < 0.12:
                            w["h"].row("H" + bid[1:] + "o", bid, d(od), "erbjudande", "", "",
                                       "Erbjudande skickat")
            utf = rnd.choice(UTFORARE)
            sent = dt.datetime.combine(bd, dt.time(8 + rnd.randrange(0, 10), rnd.randrange(0, 60)))
            sent += dt.timedelta(days=rnd.randrange(0, 5))
            if sent.date() > asof:
                continue
            w["o"].row("O" + bid[1:], bid, utf, sent.strftime("%Y-%m-%d %H:%M"),
                       (sent + dt.timedelta(hours=rnd.randrange(1, 60))).strftime("%Y-%m-%d %H:%M"))
            # most start within the three months, some late, a few never
            r = rnd.random()
            if r < 0.06:
                continue
            delay = rnd.randrange(3, 80) if r < 0.90 else rnd.randrange(95, 300)
            vs = sent.date() + dt.timedelta(days=delay)
            if vs > asof:
                continue
            ve = None
            if rnd.random() < 0.25:
                ve = vs + dt.timedelta(days=rnd.randrange(20, 400))
                if ve > asof:
                    ve = None
            vid = "V" + bid[1:]
            second = None
            if more and more.random() < 0.75:
                # a change of utförare: the first execution ends, a second
                # one starts the next day
                first_end = vs + dt.timedelta(days=more.randrange(10, 300))
                if first_end < asof and (ve is None or first_end < ve):
                    second = (first_end + dt.timedelta(days=1), ve)
                    ve_first = first_end
                else:
                    ve_first = ve
            else:
                ve_first = ve
            w["v"].row(vid, bid, d(vs), "O" + bid[1:], utf, d(ve_first))
            if second:
                w["v"].row(vid + "b", bid, d(second[0]), "O" + bid[1:],
                           more.choice(UTFORARE), d(second[1]))
            if more and more.random() < 0.30:
                af = vs + dt.timedelta(days=more.randrange(5, 300))
                if af <= asof and (ve is None or af <= ve):
                    at = af + dt.timedelta(days=more.randrange(3, 120))
                    w["a"].row("A" + bid[1:] + "b", bid, d(af), vid,
                               d(at if at <= asof else None), "tillfälligt uppehåll",
                               d(af + dt.timedelta(days=more.randrange(0, 14))))
            if ve is not None:
                # an execution ends because the need ended
                brow[9] = d(ve)
                brow[10] = rnd.choice(["behov_upphort", "flyttat", "annat"])
            pause = None
            if rnd.random() < 0.08:
                af = vs + dt.timedelta(days=rnd.randrange(10, 200))
                if af <= asof and (ve is None or af <= ve):
                    at = af + dt.timedelta(days=rnd.randrange(5, 160))
                    w["a"].row("A" + bid[1:], bid, d(af), vid, d(at if at <= asof else None),
                               "sjukhusvistelse", d(af + dt.timedelta(days=rnd.randrange(0, 12))))
                    pause = (af, at if at <= asof else None)
            if delay > 92:
                k, o = rnd.choice(SKAL)
                w["h"].row("H" + bid[1:] + "s", bid, d(bd + dt.timedelta(days=70)), "skal",
                           k, o, "")
                w["h"].row("H" + bid[1:] + "e", bid, d(bd + dt.timedelta(days=40)),
                           "erbjudande", "", "", "Erbjudande om plats skickat")
            if code == "SOL_DAGVERKSAMHET":
                write_meals(w["m"], meal_months, pnr, nb, vs, ve, pause, avliden)
        for brow in beslut_rows:
            w["b"].row(*brow)
    for x in w.values():
        x.close()
    return nb


KIND_FILES = [("personer.csv", "person"), ("beslut.csv", "beslut"),
              ("bestallningar.csv", "bestallning"),
              ("verkstalligheter.csv", "verkstallighet"), ("avbrott.csv", "avbrott"),
              ("handelser.csv", "handelse"), ("maltider.csv", "maltid")]


def write_xml(outdir, path, personer_encoding):
    """The export set in outdir as one XML file (see --xml)."""
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  '<evb-export version="1">\n')
        for name, element in KIND_FILES:
            enc = personer_encoding if name == "personer.csv" else "utf-8"
            with open(os.path.join(outdir, name), encoding=enc, newline="") as f:
                rows = csv.reader(f, delimiter=";")
                header = next(rows)
                for row in rows:
                    parts = ["<%s>%s</%s>" % (c, escape(v), c)
                             for c, v in zip(header, row) if v != ""]
                    out.write("  <%s>%s</%s>\n" % (element, "".join(parts), element))
        out.write("</evb-export>\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--persons", type=int, required=True)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--asof", default="2026-11-22")
    ap.add_argument("--cp1252-personer", action="store_true")
    ap.add_argument("--bench", action="store_true")
    ap.add_argument("--xml")
    args = ap.parse_args()
    n = generate(args)
    if args.xml:
        write_xml(args.out, args.xml, "cp1252" if args.cp1252_personer else "utf-8")
    print("%d persons, %d decisions in %s" % (args.persons, n, args.out))


if __name__ == "__main__":
    main()
