# beslutsdatum is called Datum in this export, not Beslutsdag
file.beslut = Beslut_*.csv
beslut.beslut_id = Nr
beslut.beslutsdatum = Beslutsdag
beslut.person_id = Pnr
