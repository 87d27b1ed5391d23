/*
 * The export set's record kinds and their columns (SPEC section 4).
 * Column indexes are fixed per kind; readers deliver values by index.
 */
#ifndef EVB_SCHEMA_H
#define EVB_SCHEMA_H

#include "evb.h"

enum kind {
	K_PERSON,
	K_BESLUT,
	K_BESTALLNING,
	K_VERKSTALLIGHET,
	K_AVBROTT,
	K_HANDELSE,
	K_MALTID,
	K__COUNT
};

struct column_info {
	const char *name;      /* lowercase, as in CSV headers and XML children */
	bool required;         /* the column must exist (and have a value) */
};

struct kind_info {
	enum kind kind;
	const char *name;         /* "beslut": CSV file prefix and display name */
	const char *element;      /* "beslut": XML record element (singular) */
	const struct column_info *columns;
	int ncolumns;
};

#define SCHEMA_MAX_COLUMNS 24

const struct kind_info *schema_kind(enum kind k);
/* Kind from a CSV file's base name ("beslut_2026.csv" -> K_BESLUT); the
 * longest matching prefix wins ("personer" vs "person..."). -1 if unknown. */
int schema_kind_from_filename(const char *basename);
/* Kind from an XML element name; -1 if unknown. */
int schema_kind_from_element(const char *name);
/* Column index within the kind, matching case-insensitively after trimming
 * blanks; -1 if the kind has no such column. */
int schema_column(enum kind k, const char *name, size_t len);

/* Column indexes, used by export.c. */
enum { P_PERSON_ID, P_FORNAMN, P_EFTERNAMN, P_KON, P_FODELSEDATUM, P_SKYDDAD,
       P_AVLIDEN_DATUM, P_AVGIFTSUTRYMME, P__N };
enum { B_BESLUT_ID, B_PERSON_ID, B_LAGRUM, B_INSATS, B_BESLUTSDATUM, B_UTFALL,
       B_FORHANDSBESKED, B_GILTIG_FROM, B_GILTIG_TOM, B_AVSLUTAD_DATUM,
       B_AVSLUTSORSAK, B_ERSATTER_BESLUT_ID, B_OMFATTNING, B_OMFATTNING_ENHET,
       B_VERKSTALLS_EXTERNT, B_HANDLAGGARE, B_ENHET, B__N };
enum { O_BESTALLNING_ID, O_BESLUT_ID, O_UTFORARE, O_SKICKAD, O_BEKRAFTAD,
       O_AVSLUTAD_DATUM, O__N };
enum { V_VERKSTALLIGHET_ID, V_BESLUT_ID, V_STARTDATUM, V_BESTALLNING_ID,
       V_UTFORARE, V_SLUTDATUM, V_OMFATTNING, V__N };
enum { A_AVBROTT_ID, A_BESLUT_ID, A_FRAN_DATUM, A_VERKSTALLIGHET_ID,
       A_TILL_DATUM, A_ORSAK, A_REGISTRERAD_DATUM, A__N };
enum { H_HANDELSE_ID, H_BESLUT_ID, H_DATUM, H_TYP, H_SKAL_KATEGORI,
       H_SKAL_ORSAK, H_TEXT, H__N };
/* maltider: datum or manad is required (one of the two columns must exist). */
enum { M_PERSON_ID, M_ENHET, M_DATUM, M_MANAD, M_ANTAL, M_MALTIDSTYP, M__N };

#endif
