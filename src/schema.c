/* The export set's kinds and columns (SPEC section 4). */
#include <string.h>
#include <strings.h>

#include "schema.h"

#define REQ(n) { n, true }
#define OPT(n) { n, false }

static const struct column_info person_cols[P__N] = {
	REQ("person_id"), OPT("fornamn"), OPT("efternamn"), OPT("kon"),
	OPT("fodelsedatum"), OPT("skyddad"), OPT("avliden_datum"),
	OPT("avgiftsutrymme"),
};
static const struct column_info beslut_cols[B__N] = {
	REQ("beslut_id"), REQ("person_id"), REQ("lagrum"), REQ("insats"),
	REQ("beslutsdatum"), REQ("utfall"), OPT("forhandsbesked"),
	OPT("giltig_from"), OPT("giltig_tom"), OPT("avslutad_datum"),
	OPT("avslutsorsak"), OPT("ersatter_beslut_id"), OPT("omfattning"),
	OPT("omfattning_enhet"), OPT("verkstalls_externt"), OPT("handlaggare"),
	OPT("enhet"),
};
static const struct column_info bestallning_cols[O__N] = {
	REQ("bestallning_id"), REQ("beslut_id"), REQ("utforare"), REQ("skickad"),
	OPT("bekraftad"), OPT("avslutad_datum"),
};
static const struct column_info verkstallighet_cols[V__N] = {
	REQ("verkstallighet_id"), REQ("beslut_id"), REQ("startdatum"),
	OPT("bestallning_id"), OPT("utforare"), OPT("slutdatum"),
	OPT("omfattning"),
};
static const struct column_info avbrott_cols[A__N] = {
	REQ("avbrott_id"), REQ("beslut_id"), REQ("fran_datum"),
	OPT("verkstallighet_id"), OPT("till_datum"), OPT("orsak"),
	OPT("registrerad_datum"),
};
static const struct column_info handelse_cols[H__N] = {
	REQ("handelse_id"), REQ("beslut_id"), REQ("datum"), REQ("typ"),
	OPT("skal_kategori"), OPT("skal_orsak"), OPT("text"),
};
/* datum or manad: one of the two must exist (checked by the readers). */
static const struct column_info maltid_cols[M__N] = {
	REQ("person_id"), REQ("enhet"), OPT("datum"), OPT("manad"),
	REQ("antal"), OPT("maltidstyp"),
};

static const struct kind_info kinds[K__COUNT] = {
	{ K_PERSON, "personer", "person", person_cols, P__N },
	{ K_BESLUT, "beslut", "beslut", beslut_cols, B__N },
	{ K_BESTALLNING, "bestallningar", "bestallning", bestallning_cols, O__N },
	{ K_VERKSTALLIGHET, "verkstalligheter", "verkstallighet", verkstallighet_cols, V__N },
	{ K_AVBROTT, "avbrott", "avbrott", avbrott_cols, A__N },
	{ K_HANDELSE, "handelser", "handelse", handelse_cols, H__N },
	{ K_MALTID, "maltider", "maltid", maltid_cols, M__N },
};

const struct kind_info *schema_kind(enum kind k)
{
	if ((int)k < 0 || k >= K__COUNT)
		return NULL;
	return &kinds[k];
}

int schema_kind_from_filename(const char *basename)
{
	int best = -1;
	size_t best_len = 0;
	for (int k = 0; k < K__COUNT; k++) {
		size_t n = strlen(kinds[k].name);
		if (strncasecmp(basename, kinds[k].name, n) == 0 && n > best_len) {
			best = k;
			best_len = n;
		}
	}
	return best;
}

int schema_kind_from_element(const char *name)
{
	for (int k = 0; k < K__COUNT; k++)
		if (strcmp(name, kinds[k].element) == 0)
			return k;
	return -1;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

int schema_column(enum kind k, const char *name, size_t len)
{
	const struct kind_info *ki = schema_kind(k);
	if (!ki)
		return -1;
	while (len > 0 && is_blank(*name)) {
		name++;
		len--;
	}
	while (len > 0 && is_blank(name[len - 1]))
		len--;
	for (int c = 0; c < ki->ncolumns; c++) {
		const char *cn = ki->columns[c].name;
		if (strlen(cn) == len && strncasecmp(cn, name, len) == 0)
			return c;
	}
	return -1;
}
