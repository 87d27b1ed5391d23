# A small vendor export: one decision file with its own names.
file.beslut = Beslut_*.csv
beslut.beslut_id = Nr
beslut.person_id = Pnr
beslut.beslutsdatum = Datum
beslut.utfall = Beslut
code.beslut.insats.SOL_HEMTJANST = Hemtjänst
code.beslut.utfall.bifall = Beviljat
format.beslut.beslutsdatum = DD.MM.YYYY
