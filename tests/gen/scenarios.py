#!/usr/bin/env python3
"""Hand-made scenarios for the sample export set (see samples/SCENARIOS.md).

    scenarios.py --out samples/export --key KEY

Writes export_tillagg.xml (records of several kinds, one scenario each)
and errata.csv-style bad rows appended to the CSV files, so that every rule
of the IVO computation and every check happens at least once for 2026Q3
evaluated as of 2026-11-22. KEY is the sample ivo_key: it is needed to find
two persons whose IVO-ids collide.
"""
import argparse
import datetime as dt
import hashlib
import hmac
import os
from xml.sax.saxutils import escape

from gen_export import personnummer

D = dt.date.fromisoformat


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

    def order(bid, sent, utf="Omsorg i Väst AB"):
        out.append(el("bestallning", bestallning_id="O" + bid, beslut_id=bid, utforare=utf,
                      skickad=sent))

    def execu(vid, bid, start, end=None, order_id=True, utf="Omsorg i Väst AB"):
        out.append(el("verkstallighet", verkstallighet_id=vid, beslut_id=bid, startdatum=start,
                      bestallning_id=("O" + bid) if order_id else None, utforare=utf,
                      slutdatum=end))

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
    with open(os.path.join(args.out, "handelser.csv"), "a", encoding="utf-8", newline="") as f:
        f.write("E5-H;S2-B;2026-06-01;kontakt;;;Samtal med dottern\r\n")
        f.write("E5-H;S2-B;2026-06-01;kontakt;;;Samtal med dottern\r\n")
        f.write("E6-H;S2-B;2026-06-02;kontakt;;;Första versionen\r\n")
        f.write("E6-H;S2-B;2026-06-02;kontakt;;;Andra versionen\r\n")
        f.write("E7-H;S2-B;2026-06-03;okand_typ;;;\r\n")


if __name__ == "__main__":
    main()
