/*
 * Everything a report reader sees comes from templates/ and is loaded and
 * validated at start (a broken template is exit 2 naming file and line):
 *   insatser.csv  the insats catalogue (SPEC Appendix A)
 *   skal.csv      IVO's lists of reasons (Appendix B)
 *   texts.csv     every other Swedish text: codes of Appendix C, reject
 *                 reasons, check names, summary labels (key;text)
 *   layouts.csv   sheet names and column headers of every workbook
 *                 (book;sheet;column;text; column empty = the sheet's name)
 *   looks.csv     how a sheet is worked from (book;sheet;column;look;width):
 *                 a sheet is a `tabell` (filtered) or `nyckelvarde` (label
 *                 and value: no filter); a column is `id` (identifying:
 *                 side by side, frozen on screen with every column left of
 *                 them, repeated on the printed pages of a wide sheet) or
 *                 `text`, and with a width its texts wrap at that many
 *                 characters. Rows not listed: tabell, text, no wrap.
 *   taxor.csv     prices per insats and unit and per måltidstyp, each valid
 *                 from a date (typ;kod;enhet;pris;giltig_from)
 *   maxtaxa.csv   the maxtaxa per month and year (ar;prisbasbelopp;maxtaxa),
 *                 checked against 0.5392 x prisbasbelopp / 12
 *   meddelande.csv  the body of a message to the IVO-rapportör, line by
 *                 line (villkor;rad): fields in braces, {insats}; a line
 *                 whose fields are all empty is left out; villkor
 *                 `skyddad` / `ej_skyddad` keeps a line for a protected
 *                 person only / for everyone else
 *   evb-export.xsd  the XML input format
 * All files are UTF-8, ';'-separated, with a header row; lines starting
 * with '#' are comments.
 */
#ifndef EVB_TEMPLATES_H
#define EVB_TEMPLATES_H

#include "evb.h"

struct insats_info {
	const char *code;            /* LSS9_10 */
	const char *lagrum;          /* SoL / LSS */
	const char *paragraph;       /* "9 § 10" or "" */
	const char *name;            /* Daglig verksamhet */
	const char *short_name;      /* 9§10 (used in message titles) */
	const char *ansvarig;        /* routing */
	const char *ansvarig_externt;/* routing when verkstalls_externt, else same */
	bool rapporteringspliktig;
};

struct skal_info {
	const char *kategori;        /* kommunen / utanfor_kommunen / den_enskilde */
	const char *kategori_text;   /* Hos kommunen */
	const char *code;            /* saknar_plats */
	const char *text;
};

struct templates;

struct templates *templates_load(const char *dir, struct evb_error *err);
void templates_free(struct templates *t);

int templates_insats_count(const struct templates *t);
const struct insats_info *templates_insats(const struct templates *t, int idx);
/* Index of an insats code (exact match), -1 if unknown. */
int templates_insats_find(const struct templates *t, const char *code);

/* NULL if the pair is unknown. */
const struct skal_info *templates_skal_find(const struct templates *t,
					    const char *kategori, const char *code);
/* The row of the pair in skal.csv (0-based), -1 if unknown; templates_skal
 * gives it back. */
int templates_skal_index(const struct templates *t, const char *kategori, const char *code);
const struct skal_info *templates_skal(const struct templates *t, int idx);
/* Text of a kategori code, NULL if unknown. */
const char *templates_kategori_text(const struct templates *t, const char *kategori);

/* The Swedish text of a key. Every key the program uses is checked at load,
 * so this never fails for those; an unknown key returns the key itself. */
const char *templates_text(const struct templates *t, const char *key);
/* The report text of an omfattning_enhet (enum enhet; "" for none). */
const char *templates_enhet(const struct templates *t, unsigned enhet);
/* The report text of an avslutsorsak (enum orsak; none or unknown: annat). */
const char *templates_orsak(const struct templates *t, unsigned orsak);

/*
 * A sheet layout: its Swedish name and the headers of the given column keys
 * in the given order. Every layout the program uses is checked at load.
 * headers must have room for ncols pointers. Returns 0, or EVB_ETEMPLATE
 * with err filled when a key is missing.
 */
int templates_layout(const struct templates *t, const char *book,
		     const char *sheet, const char *const *column_keys,
		     int ncols, const char **name, const char **headers,
		     struct evb_error *err);

struct sheet_look;
/* The look of a sheet whose columns are column_keys (see looks.csv). 0, or
 * EVB_ETEMPLATE with err filled when the identifying columns are not side
 * by side, or are the last one. */
int templates_look(const struct templates *t, const char *book, const char *sheet,
		   const char *const *column_keys, int ncols, struct sheet_look *look,
		   struct evb_error *err);

/* Price in öre of one unit of an insats (catalogue index) with an
 * omfattning_enhet (enum enhet), valid on `on`: the row with the latest
 * giltig_from on or before it, for that unit or else for every unit (empty
 * enhet). -1 when taxor.csv has none. */
int64_t templates_price_insats(const struct templates *t, int insats, int enhet,
			       evb_date on);
/* Price in öre of one meal of a maltidstyp valid on `on`; -1 if none. */
int64_t templates_price_maltid(const struct templates *t, int maltidstyp, evb_date on);
/* Maxtaxa per month in whole kronor for a year (and its prisbasbelopp when
 * pbb is not NULL); -1 when maxtaxa.csv has no such year. */
int64_t templates_maxtaxa(const struct templates *t, int year, int64_t *pbb);

/* The fields of a message body (meddelande.csv), in the order of
 * template_message_fields. */
enum message_field {
	MF_NAMN, MF_PERSONNUMMER, MF_IVO_ID, MF_INSATS, MF_LAGRUM, MF_BESLUT_ID,
	MF_BESLUTSDATUM, MF_AVBROTTSDATUM, MF_RUBRIK, MF_RUBRIKDATUM, MF_SKAL,
	MF_KONTAKT, MF_ERBJUDANDE, MF_TACKAT_JA, MF_TACKAT_NEJ,
	MF_DELVIS_VERKSTALLT, MF_KOMPENSERANDE_INSATS, MF_VERKSTALLT,
	MF_AVSLUTAT, MF_AVSLUTSORSAK, MF_SAMMANFATTNING, MF__N
};
extern const char *const template_message_fields[MF__N];

/* Lays out a message body into buf (lines joined by "\n", no final one):
 * values[MF__N] are the fields (NULL or "" = no value). 0, or EVB_ETOOBIG
 * when it does not fit in size bytes (buf then holds what fitted). */
int templates_message(const struct templates *t, bool skyddad,
		      const char *const *values, char *buf, size_t size);

/* Path of the export XSD (owned by t). */
const char *templates_xsd_path(const struct templates *t);

#endif
