#!/usr/bin/env python3
"""Hand-made scenarios for the sample export set (see samples/SCENARIOS.md).

    scenarios.py --out samples/export --key KEY

Writes export_tillagg.xml (records of several kinds, one scenario each)
and errata.csv-style bad rows appended to the CSV files, so that every rule
of the IVO computation and every check happens at least once for 2026Q3
evaluated as of 2026-11-22, and every Händelse and check of the fee basis
(evb fees --month 2026-10, and 2026-09) and the meal report (evb meals
--month 2026-10) at least once. KEY is the sample ivo_key: it is needed to find
two persons whose IVO-ids collide.
"""
import argparse
import datetime as dt
import hashlib
import hmac
import os
from xml.sax.saxutils import escape

from gen_export import ENHETER, personnummer

D = dt.date.fromisoformat
SOLROSEN, ANGEN = ENHETER

# The fee and meal scenarios' persons: name, birth, serial, woman, first
# name, surname, extra person fields (samples/SCENARIOS.md).
FEE_PERSON_ROWS = [
    ("F1", "1946-03-12", 214, True, "Elin", "Bergqvist", {}),
    ("F2", "1939-07-21", 335, False, "Gunnar", "Lövgren", {}),
    ("F3", "1943-01-09", 148, True, "Ingegerd", "Svärd", {}),
    ("F4", "1937-11-02", 571, False, "Harald", "Fors", {}),
    ("F5", "1951-05-27", 262, True, "Vera", "Ståhl", {}),
    ("F6", "1968-02-14", 439, False, "Mats", "Hedin", {}),
    ("F7", "1940-08-30", 186, True, "Sonja", "Ek", {}),
    ("F8", "1945-12-05", 653, False, "Torsten", "Alm", {}),
    ("F9", "1933-04-18", 328, True, "Dagny", "Rask", {}),
    ("F10", "1949-09-23", 717, False, "Leif", "Borg", {"avgiftsutrymme": "1200,00"}),
    ("F11", "1947-06-11", 402, True, "Majken", "Vall", {"avgiftsutrymme": "0,00"}),
    ("F12", "1941-10-29", 559, False, "Stig", "Ros", {"avliden_datum": "2026-10-18"}),
    ("F13", "1958-03-03", 244, True, "Inga", "Mo", {}),
    ("F14", "1974-01-16", 893, False, "Kjell", "Ås", {}),
    ("F15", "1952-11-20", 176, True, "Ulla", "Strand", {}),
    ("M1", "1938-02-08", 624, True, "Ruth", "Hägg", {}),
    ("M2", "1944-05-15", 381, False, "Arne", "Sjö", {}),
    ("M3", "1936-12-01", 508, True, "Elsy", "Björk", {}),
    ("M4", "1942-07-04", 295, False, "Folke", "Ljung", {}),
]
DUE_PERSON_ROWS = [
    ("D1", "1948-02-11", 226, True, "Ester", "Nyberg"),
    ("D2", "1953-09-04", 471, False, "Rune", "Lilja"),
]
FEE2_PERSON_ROWS = [
    ("F16", "1938-05-19", 342, True, "Asta", "Holmgren"),
    ("F17", "1944-11-08", 615, False, "Evert", "Sundin"),
]
FEE_PERSONS = [(n, b, s, w) for n, b, s, w, _, _, _ in FEE_PERSON_ROWS]


def candidate(key, pnr, man):
    v = int.from_bytes(hmac.new(key, pnr.encode(), hashlib.sha256).digest()[:4], "big")
    return (v % 10) * 100 + (2 * ((v // 10) % 5) + man) * 10 + (v // 50) % 10


def colliding_pair(key, birth):
    seen = {}
    for serial in range(0, 1000, 2):
        pnr = personnummer(birth, serial, True)
        c = candidate(key, pnr, 0)
        if c in seen:
            return seen[c], pnr
        seen[c] = pnr
    raise SystemExit("no collision found")


def el(kind, **fields):
    inner = "".join("<%s>%s</%s>" % (k, escape(str(v)), k) for k, v in fields.items()
                    if v is not None)
    return "  <%s>%s</%s>\n" % (kind, inner, kind)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--key", required=True)
    args = ap.parse_args()
    key = args.key.encode()

    P = {n: personnummer(D(b), s, w) for n, b, s, w in [
        ("S1", "1988-03-14", 412, False), ("S2", "1941-06-02", 220, True),
        ("S3", "1979-11-30", 318, False), ("S4", "1936-02-29", 104, True),
        ("S5", "1930-09-17", 551, False), ("S6", "1944-12-24", 702, True),
        ("S7", "1996-07-07", 830, False), ("S8", "2009-05-19", 119, True),
        ("S9", "1950-01-31", 466, True), ("S10", "1962-08-08", 377, False),
        ("S11", "1955-04-04", 640, True), ("S12", "1970-10-10", 912, False)]}
    c1, c2 = colliding_pair(key, D("1941-04-04"))
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           "<!-- Extra records from the case-management system's XML export:\n"
           "     the hand-made scenarios of samples/SCENARIOS.md. -->\n",
           '<evb-export version="1" exportdatum="2026-11-20">\n']
    persons = [("S1", "Jonas", "Ekström", "M", 0, None), ("S2", "Greta", "Holm", "K", 0, None),
               ("S3", "Ali", "Hassan", "M", 1, None), ("S4", "Signe", "Lund", "K", 0, None),
               ("S5", "Bertil", "Falk", "M", 0, "2026-08-05"), ("S6", "Ebba", "Wik", "K", 0, None),
               ("S7", "Oskar", "Berg", "M", 0, None), ("S8", "Alva", "Nord", "K", 0, None),
               ("S9", "Rut", "Dahl", "K", 0, None), ("S10", "Ivar", "Sand", "M", 0, None),
               ("S11", "Tyra", "Lind", "K", 0, None)]
    for n, fn, en, kon, sk, av in persons:
        out.append(el("person", person_id=P[n], fornamn=fn, efternamn=en, kon=kon,
                      skyddad=sk, avliden_datum=av))
    out.append(el("person", person_id=c1, fornamn="Hilda", efternamn="Kron", kon="K"))
    out.append(el("person", person_id=c2, fornamn="Hedda", efternamn="Kron", kon="K"))

    def beslut(bid, n, insats, bd, **kw):
        lagrum = "LSS" if insats.startswith("LSS") else "SoL"
        out.append(el("beslut", beslut_id=bid, person_id=P[n], lagrum=lagrum, insats=insats,
                      beslutsdatum=bd, utfall=kw.pop("utfall", "bifall"), **kw))

    def order(bid, sent, utf="Omsorg i Väst AB", oid=None):
        out.append(el("bestallning", bestallning_id=oid or ("O" + bid), beslut_id=bid,
                      utforare=utf, skickad=sent))

    def execu(vid, bid, start, end=None, order_id=True, utf="Omsorg i Väst AB"):
        """order_id: True = the decision's order "O" + bid, False = none, or
        the id of another order."""
        oid = ("O" + bid if order_id is True else order_id) if order_id else None
        out.append(el("verkstallighet", verkstallighet_id=vid, beslut_id=bid, startdatum=start,
                      bestallning_id=oid, utforare=utf, slutdatum=end))

    def event(hid, bid, datum, typ, **kw):
        out.append(el("handelse", handelse_id=hid, beslut_id=bid, datum=datum, typ=typ, **kw))

    # S1: förhandsbesked LSS 9 § 10, never executed: T1 = 2026-07-15 -> Ny
    beslut("S1-B", "S1", "LSS9_10", "2026-04-15", forhandsbesked=1)
    order("S1-B", "2026-04-16 09:10")
    event("S1-H1", "S1-B", "2026-06-01", "erbjudande", text="Plats erbjuden på Verkstan")
    event("S1-H2", "S1-B", "2026-06-10", "tackat_nej", text="Vill vänta på annan verksamhet")
    event("S1-H3", "S1-B", "2026-07-01", "skal", skal_kategori="den_enskilde",
          skal_orsak="nej_missnojd")
    event("S1-H4", "S1-B", "2026-09-20", "sammanfattning",
          text="Sammanfattning av de senaste tre månaderna. " + "Kontakt har tagits. " * 230)
    # S2: hemtjänst executed after T1 but before the cut-off: Ny with date
    beslut("S2-B", "S2", "SOL_HEMTJANST", "2026-05-10", omfattning="22,5",
           omfattning_enhet="tim/man")
    order("S2-B", "2026-05-11 16:45")
    execu("S2-V", "S2-B", "2026-09-01")
    # S3: LSS 9 § 9 since 2025-05-31, never executed, skyddad identitet:
    # T4 = 2026-05-31, T5 = 2026-08-31 -> Återrapportering
    beslut("S3-B", "S3", "LSS9_9", "2025-05-31")
    order("S3-B", "2025-06-02 10:00", "Gruppbostaden Tallen")
    event("S3-H1", "S3-B", "2025-08-15", "skal", skal_kategori="kommunen",
          skal_orsak="saknar_plats")
    # S4: särskilt boende, T1 = 2026-05-20, executed 2026-08-12: Slut, verkställt
    beslut("S4-B", "S4", "SOL_SARSKILT_BOENDE", "2026-02-20")
    order("S4-B", "2026-02-23 08:30", "Vårdboendet Linden")
    execu("S4-V", "S4-B", "2026-08-12", utf="Vårdboendet Linden")
    # S5: korttidsvistelse, T1 = 2026-04-10, the person died 2026-08-05:
    # Slut, avslutat (avliden)
    beslut("S5-B", "S5", "SOL_KORTTIDSVISTELSE", "2026-01-10")
    order("S5-B", "2026-01-12 11:00", "Korttidsboendet Eken")
    # S6: hemtjänst 2026-01-20..2026-03-31, resumed 2026-08-20:
    # B = 2026-04-01, U1 = 2026-07-01 -> Ny avbrott, resumed 2026-08-20
    beslut("S6-B", "S6", "SOL_HEMTJANST", "2026-01-05", omfattning=30,
           omfattning_enhet="tim/man")
    order("S6-B", "2026-01-07 09:00", "Hemtjänst Norr")
    execu("S6-V1", "S6-B", "2026-01-20", "2026-03-31", utf="Hemtjänst Norr")
    execu("S6-V2", "S6-B", "2026-08-20", utf="Hemtjänst Norr")
    # S7: personlig assistans paused from 2026-05-10 (registered 05-25),
    # U1 = 2026-08-10 -> Ny avbrott
    beslut("S7-B", "S7", "LSS9_2", "2025-10-01", omfattning=45, omfattning_enhet="tim/vecka")
    order("S7-B", "2025-10-02 13:00", "Assistans Kompaniet AB")
    execu("S7-V", "S7-B", "2025-10-15", utf="Assistans Kompaniet AB")
    out.append(el("avbrott", avbrott_id="S7-A", beslut_id="S7-B", fran_datum="2026-05-10",
                  verkstallighet_id="S7-V", orsak="sjukhusvistelse",
                  registrerad_datum="2026-05-25"))
    # S8: LSS 9 § 8 O never executed, giltig_tom 2026-05-31 (lopt_ut); N
    # from 2026-06-01 executed externally (Boendeteamet): T1(N) = 2026-08-25
    # -> Ny with "Tidigare beslut" S8-O (2026-01-20)
    beslut("S8-O", "S8", "LSS9_8", "2026-01-20", giltig_from="2026-01-20",
           giltig_tom="2026-05-31")
    beslut("S8-N", "S8", "LSS9_8", "2026-05-25", giltig_from="2026-06-01",
           verkstalls_externt=1)
    # S9: bostad med särskild service O (T1 = 2026-06-02) replaced through
    # ersatter_beslut_id by N of 2026-08-14: O ends 2026-08-13 nytt_beslut
    # -> Slut, avslutat; N's T1 = 2026-11-14 is after the cut-off
    beslut("S9-O", "S9", "SOL_BOSTAD_SARSKILD_SERVICE", "2026-03-02")
    beslut("S9-N", "S9", "SOL_BOSTAD_SARSKILD_SERVICE", "2026-08-14", ersatter_beslut_id="S9-O")
    # S10: ledsagning executed on T1 itself (2026-07-30): in time, no row
    beslut("S10-B", "S10", "SOL_LEDSAGNING", "2026-04-30")
    order("S10-B", "2026-05-04 10:00")
    execu("S10-V", "S10-B", "2026-07-30")
    # S11: checks - two overlapping trygghetslarm decisions; an execution
    # before its decision date and without an order; an avbrott outside any
    # execution; a decision ended before it was made
    beslut("S11-B1", "S11", "SOL_TRYGGHETSLARM", "2026-02-01")
    beslut("S11-B2", "S11", "SOL_TRYGGHETSLARM", "2026-03-01")
    execu("S11-V", "S11-B1", "2026-01-25", order_id=False)
    out.append(el("avbrott", avbrott_id="S11-A", beslut_id="S11-B2", fran_datum="2026-04-01",
                  till_datum="2026-04-10"))
    beslut("S11-B3", "S11", "SOL_BOENDESTOD", "2026-05-01", avslutad_datum="2026-04-20",
           avslutsorsak="aterkallad")
    # S12: a person missing from personer (decision only)
    beslut("S12-B", "S12", "SOL_MATDISTRIBUTION", "2026-09-01")

    # ---- fees (evb fees --month 2026-10, some also 2026-09) and meals
    # (evb meals --month 2026-10). Written after the IVO scenarios so that
    # their line numbers stay; every decision is dated after 2026-06-30, so
    # none of them reaches its three months by the 2026Q3 cut-off.
    P.update({n: personnummer(D(b), s, w) for n, b, s, w in FEE_PERSONS})
    for n, _, _, w, fn, en, extra in FEE_PERSON_ROWS:
        out.append(el("person", person_id=P[n], fornamn=fn, efternamn=en,
                      kon="K" if w else "M", **extra))
    # F1: hemtjänst 30 tim/man from Mon 2026-09-28: September 3 of 30 days,
    # Ny; October the whole month, capped by the maxtaxa
    beslut("F1-B", "F1", "SOL_HEMTJANST", "2026-09-21", omfattning=30,
           omfattning_enhet="tim/man")
    order("F1-B", "2026-09-22 10:15", "Hemtjänst Norr")
    execu("F1-V", "F1-B", "2026-09-28", utf="Hemtjänst Norr")
    # F2: hemtjänst 6 tim/man, hospital stay 2026-10-12..21 (10 days)
    beslut("F2-B", "F2", "SOL_HEMTJANST", "2026-07-08", omfattning=6,
           omfattning_enhet="tim/man")
    order("F2-B", "2026-07-09 09:00", "Hemtjänst Söder")
    execu("F2-V", "F2-B", "2026-07-14", utf="Hemtjänst Söder")
    out.append(el("avbrott", avbrott_id="F2-A", beslut_id="F2-B", fran_datum="2026-10-12",
                  verkstallighet_id="F2-V", till_datum="2026-10-21", orsak="sjukhusvistelse",
                  registrerad_datum="2026-10-12"))
    # F3: hemtjänst 10 tim/man ended 2026-10-15 (moved): slutfaktura
    beslut("F3-B", "F3", "SOL_HEMTJANST", "2026-07-15", omfattning=10,
           omfattning_enhet="tim/man", avslutad_datum="2026-10-15", avslutsorsak="flyttat")
    order("F3-B", "2026-07-16 11:00", "Hemtjänst Norr")
    execu("F3-V", "F3-B", "2026-07-27", "2026-10-15", utf="Hemtjänst Norr")
    # F4: hemtjänst 5 tim/man moving from Norr to Söder with a week of
    # overlap (2026-10-14..20): the days are billed once
    beslut("F4-B", "F4", "SOL_HEMTJANST", "2026-08-03", omfattning=5,
           omfattning_enhet="tim/man")
    order("F4-B", "2026-08-04 09:30", "Hemtjänst Norr")
    execu("F4-V1", "F4-B", "2026-08-10", "2026-10-20", utf="Hemtjänst Norr")
    order("F4-B", "2026-10-09 14:00", "Hemtjänst Söder", oid="OF4-B2")
    execu("F4-V2", "F4-B", "2026-10-14", order_id="OF4-B2", utf="Hemtjänst Söder")
    # F5: trygghetslarm installed 2026-10-01 on an urgent order, decision
    # written 2026-10-05: billed from the decision date
    beslut("F5-B", "F5", "SOL_TRYGGHETSLARM", "2026-10-05", omfattning=1,
           omfattning_enhet="st/man")
    order("F5-B", "2026-10-01 08:30", "Omsorg i Väst AB")
    execu("F5-V", "F5-B", "2026-10-01")
    # F6: ledsagning started 2026-09-07, the order was sent 2026-09-10
    beslut("F6-B", "F6", "SOL_LEDSAGNING", "2026-09-01", omfattning=6,
           omfattning_enhet="tim/man")
    order("F6-B", "2026-09-10 09:00")
    execu("F6-V", "F6-B", "2026-09-07")
    # F7: hemtjänst 12 tim/man replaced through ersatter_beslut_id by 24
    # tim/man from 2026-10-01: O ends 2026-09-30 (slutfaktura in September),
    # N is Ny, Nytt beslut in October
    beslut("F7-O", "F7", "SOL_HEMTJANST", "2026-07-06", giltig_from="2026-07-06",
           omfattning=12, omfattning_enhet="tim/man")
    order("F7-O", "2026-07-07 08:45", "Hemtjänst Söder")
    execu("F7-V1", "F7-O", "2026-07-13", "2026-09-30", utf="Hemtjänst Söder")
    beslut("F7-N", "F7", "SOL_HEMTJANST", "2026-09-24", giltig_from="2026-10-01",
           ersatter_beslut_id="F7-O", omfattning=24, omfattning_enhet="tim/man")
    order("F7-N", "2026-09-25 13:00", "Hemtjänst Söder")
    execu("F7-V2", "F7-N", "2026-10-01", utf="Hemtjänst Söder")
    # F8: korttidsvistelse 6 dygn/man valid to 2026-09-30, followed by a
    # decision of 10 dygn/man from 2026-10-01 (no ersatter_beslut_id: the
    # same person and insats, giltig_from = the old end + 1)
    beslut("F8-O", "F8", "SOL_KORTTIDSVISTELSE", "2026-07-20", giltig_from="2026-07-20",
           giltig_tom="2026-09-30", omfattning=6, omfattning_enhet="dygn/man")
    order("F8-O", "2026-07-21 10:30", "Korttidsboendet Eken")
    execu("F8-V1", "F8-O", "2026-08-01", "2026-09-30", utf="Korttidsboendet Eken")
    beslut("F8-N", "F8", "SOL_KORTTIDSVISTELSE", "2026-09-22", giltig_from="2026-10-01",
           omfattning=10, omfattning_enhet="dygn/man")
    order("F8-N", "2026-09-23 10:30", "Korttidsboendet Eken")
    execu("F8-V2", "F8-N", "2026-10-01", utf="Korttidsboendet Eken")
    # F9: särskilt boende 30 dygn/man: 2 670 kr, 10 kr over the maxtaxa
    beslut("F9-B", "F9", "SOL_SARSKILT_BOENDE", "2026-07-22", omfattning=30,
           omfattning_enhet="dygn/man")
    order("F9-B", "2026-07-23 09:00", "Vårdboendet Linden")
    execu("F9-V", "F9-B", "2026-08-03", utf="Vårdboendet Linden")
    # F10: avgiftsutrymme 1 200 kr below the fee; F11: avgiftsutrymme 0 (valid:
    # no fee; a negative one is rejected, SPEC 4.1)
    beslut("F10-B", "F10", "SOL_HEMTJANST", "2026-07-27", omfattning=8,
           omfattning_enhet="tim/man")
    order("F10-B", "2026-07-28 10:00", "Hemtjänst Norr")
    execu("F10-V", "F10-B", "2026-08-03", utf="Hemtjänst Norr")
    beslut("F11-B", "F11", "SOL_TRYGGHETSLARM", "2026-08-11", omfattning=1,
           omfattning_enhet="st/man")
    order("F11-B", "2026-08-12 08:15")
    execu("F11-V", "F11-B", "2026-08-17")
    # F12: died 2026-10-18, the execution was never closed
    beslut("F12-B", "F12", "SOL_HEMTJANST", "2026-07-28", omfattning=6,
           omfattning_enhet="tim/man")
    order("F12-B", "2026-07-29 09:20", "Hemtjänst Söder")
    execu("F12-V", "F12-B", "2026-08-03", utf="Hemtjänst Söder")
    # F13: an execution on a decision that was avslag
    beslut("F13-B", "F13", "SOL_HEMTJANST", "2026-08-17", utfall="avslag", omfattning=8,
           omfattning_enhet="tim/man")
    order("F13-B", "2026-08-18 10:00", "Hemtjänst Norr")
    execu("F13-V", "F13-B", "2026-09-01", utf="Hemtjänst Norr")
    # F14: ledsagning in tim/vecka, a unit taxor.csv has no price for
    beslut("F14-B", "F14", "SOL_LEDSAGNING", "2026-08-05", omfattning=2,
           omfattning_enhet="tim/vecka")
    order("F14-B", "2026-08-06 13:30")
    execu("F14-V", "F14-B", "2026-08-12")
    # F15: hemtjänst in tim/man without omfattning
    beslut("F15-B", "F15", "SOL_HEMTJANST", "2026-08-24", omfattning_enhet="tim/man")
    order("F15-B", "2026-08-25 09:00", "Hemtjänst Söder")
    execu("F15-V", "F15-B", "2026-09-01", utf="Hemtjänst Söder")

    def maltid(n, enhet, typ="lunch", antal=1, datum=None, manad=None):
        out.append(el("maltid", person_id=P[n], enhet=enhet, datum=datum, manad=manad,
                      maltidstyp=typ, antal=antal))

    def dagverksamhet(n, bd, sent, start, omf, enhet):
        bid = n + "-B"
        beslut(bid, n, "SOL_DAGVERKSAMHET", bd, omfattning=omf,
               omfattning_enhet="tillf/vecka", enhet=enhet)
        order(bid, sent, enhet)
        execu(n + "-V", bid, start, utf=enhet)

    # M1: meals without any dagverksamhet (per date at Solrosen, a monthly
    # count at Ängen)
    maltid("M1", SOLROSEN, datum="2026-10-07")
    maltid("M1", SOLROSEN, datum="2026-10-14")
    maltid("M1", ANGEN, manad="2026-10", antal=4)
    # M2: dagverksamhet at Solrosen, lunch every Tuesday and Thursday of
    # September and October (9 each); 2026-10-13 is registered a second
    # time in maltider.csv
    dagverksamhet("M2", "2026-08-06", "2026-08-07 09:00", "2026-08-17", 2, SOLROSEN)
    for day in ("09-01", "09-03", "09-08", "09-10", "09-15", "09-17", "09-22", "09-24",
                "09-29", "10-01", "10-06", "10-08", "10-13", "10-15", "10-20", "10-22",
                "10-27", "10-29"):
        maltid("M2", SOLROSEN, datum="2026-" + day)
    # M3: dagverksamhet at Ängen, 12 lunches a month as the monthly count,
    # and one lunch on 2026-10-21 also given per date (in maltider.csv)
    dagverksamhet("M3", "2026-08-12", "2026-08-13 10:00", "2026-08-24", 3, ANGEN)
    maltid("M3", ANGEN, manad="2026-09", antal=12)
    maltid("M3", ANGEN, manad="2026-10", antal=12)
    # M4: dagverksamhet at Solrosen and no meals registered
    dagverksamhet("M4", "2026-09-03", "2026-09-04 11:00", "2026-09-14", 2, SOLROSEN)

    # ---- the routine's documentation (samples/SCENARIOS.md, "Meddelanden",
    # "evb due" and the fee routine). Written last so that every line above
    # keeps its number.
    # S2: the events of every new Individrapporter column, all in [D, E]
    event("S2-H1", "S2-B", "2026-07-20", "kontakt", text="Samtal med dottern om start")
    event("S2-H2", "S2-B", "2026-08-05", "skal", skal_kategori="kommunen", skal_orsak="personal")
    event("S2-H3", "S2-B", "2026-08-07", "sammanfattning",
          text="Väntar på personal i området; trygghetsbesök under tiden")
    event("S2-H4", "S2-B", "2026-08-15", "kompenserande_insats",
          text="Matdistribution under väntetiden")
    event("S2-H5", "S2-B", "2026-08-20", "erbjudande", text="Start erbjuden 1 september")
    event("S2-H6", "S2-B", "2026-08-22", "tackat_ja")
    event("S2-H7", "S2-B", "2026-08-25", "delvis_verkstallt",
          text="Trygghetsbesök två dagar i veckan")
    # S3 (skyddad): a summary naming where the person lives - never in the
    # message body
    event("S3-H2", "S3-B", "2026-07-01", "kontakt", text="Samtal via god man")
    event("S3-H3", "S3-B", "2026-08-20", "sammanfattning",
          text="Bor tillfälligt hos sin bror på Storgatan 5")
    # D1, D2: the working list of 2026-11-22 (D 2026-08-20, cycle 1: contact
    # due 2026-11-03, summary due 2026-11-19, message due 2026-11-23)
    P.update({n: personnummer(D(b), s, w) for n, b, s, w, _, _ in DUE_PERSON_ROWS})
    for n, _, _, w, fn, en in DUE_PERSON_ROWS:
        out.append(el("person", person_id=P[n], fornamn=fn, efternamn=en, kon="K" if w else "M"))
    beslut("D1-B", "D1", "SOL_HEMTJANST", "2026-08-20", omfattning=10,
           omfattning_enhet="tim/man")
    order("D1-B", "2026-11-13 10:00", "Hemtjänst Norr")
    out[-1] = out[-1].replace("</skickad>", "</skickad><bekraftad>2026-11-16 16:00</bekraftad>")
    event("D1-H1", "D1-B", "2026-10-25", "kontakt", text="Hembesök")
    event("D1-H2", "D1-B", "2026-11-21", "sammanfattning", text="Väntar på personal")
    beslut("D2-B", "D2", "SOL_LEDSAGNING", "2026-08-20")
    order("D2-B", "2026-08-21 09:00")
    event("D2-H1", "D2-B", "2026-09-01", "skal", skal_kategori="kommunen",
          skal_orsak="saknar_plats")
    event("D2-H2", "D2-B", "2026-10-10", "kontakt", text="Samtal")
    # F16: hemtjänst ends 2026-10-12 while the trygghetslarm goes on
    P.update({n: personnummer(D(b), s, w) for n, b, s, w, _, _ in FEE2_PERSON_ROWS})
    for n, _, _, w, fn, en in FEE2_PERSON_ROWS:
        out.append(el("person", person_id=P[n], fornamn=fn, efternamn=en, kon="K" if w else "M"))
    beslut("F16-H", "F16", "SOL_HEMTJANST", "2026-07-01", omfattning=10,
           omfattning_enhet="tim/man")
    order("F16-H", "2026-07-02 09:00", "Hemtjänst Norr")
    execu("F16-V1", "F16-H", "2026-07-06", "2026-10-12", utf="Hemtjänst Norr")
    beslut("F16-L", "F16", "SOL_TRYGGHETSLARM", "2026-07-01", omfattning=1,
           omfattning_enhet="st/man")
    order("F16-L", "2026-07-02 09:05")
    execu("F16-V2", "F16-L", "2026-07-06")
    # F17: akut hemtjänst from Tue 2026-10-06, written decision Mon 2026-10-12
    beslut("F17-B", "F17", "SOL_HEMTJANST", "2026-10-12", omfattning=20,
           omfattning_enhet="tim/man")
    order("F17-B", "2026-10-06 08:30", "Hemtjänst Söder")
    execu("F17-V", "F17-B", "2026-10-06", utf="Hemtjänst Söder")
    out.append("</evb-export>\n")
    with open(os.path.join(args.out, "export_tillagg.xml"), "w", encoding="utf-8") as f:
        f.write("".join(out))

    # records the export gets wrong, appended to the CSV files
    with open(os.path.join(args.out, "beslut.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("E1-B;%s;SoL;SOL_HEMTJANST;2026-02-30;bifall;0;;;;;;10;tim/man;0;handläggare 1\r\n"
                % P["S10"])
        f.write("E2-B;19500101-1235;SoL;SOL_HEMTJANST;2026-03-01;bifall;0;;;;;;10;tim/man;0;handläggare 1\r\n")
        f.write("E3-B;%s;LSS;SOL_HEMTJANST;2026-03-01;bifall;0;;;;;;10;tim/man;0;handläggare 1\r\n"
                % P["S10"])
    with open(os.path.join(args.out, "verkstalligheter.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("E4-V;B9999999;2026-03-01;;Hemtjänst Norr;\r\n")
    with open(os.path.join(args.out, "maltider.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("%s;%s;2026-10-13;;lunch;1\r\n" % (P["M2"], SOLROSEN))
        f.write("%s;%s;2026-10-21;;lunch;1\r\n" % (P["M3"], ANGEN))
    with open(os.path.join(args.out, "handelser.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("E5-H;S2-B;2026-06-01;kontakt;;;Samtal med dottern\r\n")
        f.write("E5-H;S2-B;2026-06-01;kontakt;;;Samtal med dottern\r\n")
        f.write("E6-H;S2-B;2026-06-02;kontakt;;;Första versionen\r\n")
        f.write("E6-H;S2-B;2026-06-02;kontakt;;;Andra versionen\r\n")
        f.write("E7-H;S2-B;2026-06-03;okand_typ;;;\r\n")


if __name__ == "__main__":
    main()
