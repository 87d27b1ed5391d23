# Import profile for the vendor-shaped sample export (samples/export-leverantor),
# written by tests/gen/leverantor.py. See README.md, 'Import profiles'.
#   evb ivo --period 2026Q3 --in samples/export-leverantor \
#       --profile samples/leverantor.profile --config samples/evb.conf

# personer
file.personer = Personregister_*.csv
personer.person_id = Personnummer
personer.fornamn = Förnamn
personer.efternamn = Efternamn
personer.kon = Kön
personer.skyddad = Skyddad identitet
personer.avliden_datum = Avliden
personer.avgiftsutrymme = Avgiftsutrymme (kr/mån)
format.personer.avliden_datum = DD.MM.YYYY
code.personer.kon.K = Kvinna
code.personer.kon.M = Man

# beslut
file.beslut = Beslut_*.csv
beslut.beslut_id = Beslutsnummer
beslut.person_id = Personnummer
beslut.lagrum = Lagrum
beslut.insats = Insats
beslut.beslutsdatum = Beslutsdatum
beslut.utfall = Beslut
beslut.forhandsbesked = Förhandsbesked
beslut.giltig_from = Giltigt från
beslut.giltig_tom = Giltigt till
beslut.avslutad_datum = Avslutad
beslut.avslutsorsak = Avslutsorsak
beslut.ersatter_beslut_id = Ersätter beslut
beslut.omfattning = Omfattning
beslut.omfattning_enhet = Enhet för omfattning
beslut.verkstalls_externt = Extern utförare
beslut.handlaggare = Handläggare
format.beslut.beslutsdatum = DD.MM.YYYY
format.beslut.giltig_from = DD.MM.YYYY
format.beslut.giltig_tom = DD.MM.YYYY
format.beslut.avslutad_datum = DD.MM.YYYY
code.beslut.lagrum.SoL = Socialtjänstlagen
code.beslut.lagrum.LSS = Lag om stöd och service
code.beslut.utfall.bifall = Beviljat
code.beslut.utfall.delvis_bifall = Delvis beviljat
code.beslut.utfall.avslag = Avslaget
code.beslut.avslutsorsak.avliden = Avliden
code.beslut.avslutsorsak.flyttat = Flyttat från kommunen
code.beslut.avslutsorsak.aterkallad = Återkallad
code.beslut.avslutsorsak.behov_upphort = Behov upphört
code.beslut.avslutsorsak.lopt_ut = Beslutet har löpt ut
code.beslut.avslutsorsak.nytt_beslut = Ersatt av nytt beslut
code.beslut.avslutsorsak.annat = Annan orsak
code.beslut.omfattning_enhet.tim/man = Timmar per månad
code.beslut.omfattning_enhet.tim/vecka = Timmar per vecka
code.beslut.omfattning_enhet.tillf/vecka = Tillfällen per vecka
code.beslut.omfattning_enhet.dygn/man = Dygn per månad
code.beslut.omfattning_enhet.st/man = Antal per månad
code.beslut.insats.LSS9_2 = Personlig assistans LSS
code.beslut.insats.LSS9_3 = Ledsagarservice LSS
code.beslut.insats.LSS9_4 = Biträde av kontaktperson LSS
code.beslut.insats.LSS9_5 = Avlösarservice i hemmet LSS
code.beslut.insats.LSS9_6 = Korttidsvistelse utanför det egna hemmet LSS
code.beslut.insats.LSS9_7 = Korttidstillsyn för skolungdom över 12 år LSS
code.beslut.insats.LSS9_8 = Boende i familjehem eller bostad med särskild service för barn eller ungdomar LSS
code.beslut.insats.LSS9_9 = Bostad med särskild service för vuxna LSS
code.beslut.insats.LSS9_10 = Daglig verksamhet LSS
code.beslut.insats.SOL_HEMTJANST = Hemtjänst SoL
code.beslut.insats.SOL_DAGVERKSAMHET = Dagverksamhet SoL
code.beslut.insats.SOL_SARSKILT_BOENDE = Särskilt boende (vårdboende) SoL
code.beslut.insats.SOL_KORTTIDSVISTELSE = Korttidsvistelse SoL
code.beslut.insats.SOL_LEDSAGNING = Ledsagning SoL
code.beslut.insats.SOL_AVLOSNING = Avlösning i hemmet SoL
code.beslut.insats.SOL_KONTAKTPERSON = Kontaktperson SoL
code.beslut.insats.SOL_BOENDESTOD = Boendestöd SoL
code.beslut.insats.SOL_TRYGGHETSLARM = Trygghetslarm SoL
code.beslut.insats.SOL_MATDISTRIBUTION = Matdistribution SoL
code.beslut.insats.SOL_SYSSELSATTNING = Sysselsättning SoL
code.beslut.insats.SOL_BOSTAD_SARSKILD_SERVICE = Bostad med särskild service SoL

# bestallningar
file.bestallningar = Bestallning_*.csv
bestallningar.bestallning_id = Beställningsnummer
bestallningar.beslut_id = Beslutsnummer
bestallningar.utforare = Utförare
bestallningar.skickad = Skickad
bestallningar.bekraftad = Bekräftad
format.bestallningar.skickad = DD.MM.YYYY HH:MM
format.bestallningar.bekraftad = DD.MM.YYYY HH:MM

# verkstalligheter
file.verkstalligheter = Verkstallighet_*.csv
verkstalligheter.verkstallighet_id = Verkställighetsnummer
verkstalligheter.beslut_id = Beslutsnummer
verkstalligheter.startdatum = Startdatum
verkstalligheter.bestallning_id = Beställningsnummer
verkstalligheter.utforare = Utförare
verkstalligheter.slutdatum = Slutdatum
format.verkstalligheter.startdatum = DD.MM.YYYY
format.verkstalligheter.slutdatum = DD.MM.YYYY

# avbrott
file.avbrott = Avbrott_*.csv
avbrott.avbrott_id = Avbrottsnummer
avbrott.beslut_id = Beslutsnummer
avbrott.fran_datum = Från
avbrott.verkstallighet_id = Verkställighetsnummer
avbrott.till_datum = Till
avbrott.orsak = Orsak
avbrott.registrerad_datum = Registrerad
format.avbrott.fran_datum = DD.MM.YYYY
format.avbrott.till_datum = DD.MM.YYYY
format.avbrott.registrerad_datum = DD.MM.YYYY

# handelser
file.handelser = Journal_*.csv
handelser.handelse_id = Händelsenummer
handelser.beslut_id = Beslutsnummer
handelser.datum = Datum
handelser.typ = Händelsetyp
handelser.skal_kategori = Skälkategori
handelser.skal_orsak = Skäl
handelser.text = Anteckning
format.handelser.datum = DD.MM.YYYY
code.handelser.typ.erbjudande = Erbjudande
code.handelser.typ.tackat_ja = Tackat ja
code.handelser.typ.tackat_nej = Tackat nej
code.handelser.typ.kontakt = Kontakt
code.handelser.typ.sammanfattning = Sammanfattning
code.handelser.typ.delvis_verkstallt = Delvis verkställt
code.handelser.typ.kompenserande_insats = Kompenserande insats
code.handelser.typ.skal = Skäl angivet

# maltider
file.maltider = Maltidsregistrering_*.csv
maltider.person_id = Personnummer
maltider.enhet = Enhet
maltider.datum = Datum
maltider.manad = Månad
maltider.antal = Antal
maltider.maltidstyp = Måltid
format.maltider.datum = DD.MM.YYYY
code.maltider.maltidstyp.lunch = Lunch
code.maltider.maltidstyp.frukost = Frukost
code.maltider.maltidstyp.mellanmal = Mellanmål
code.maltider.maltidstyp.middag = Middag
code.maltider.maltidstyp.matlada = Matlåda
