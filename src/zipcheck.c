/* Reading a workbook back: see zipcheck.h. */
#define _GNU_SOURCE   /* memmem */
#include "zipcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/unzip.h>

#define CHUNK (1 << 16)
#define MAX_ROOT 48          /* an element name, e.g. cp:coreProperties */
#define KEEP (MAX_ROOT + 8)  /* "</root>" and line ends */
#define SHEET_PREFIX "xl/worksheets/sheet"

/* One entry read as a stream of chunks: the name of its root element
 * (from the start), the occurrences of up to two patterns (a row's start
 * and end, or a shared string) and its last bytes (the root's end). */
struct scan {
	const char *pattern[2];     /* NULL: nothing counted */
	uint64_t count[2];
	char head[256];             /* the first bytes */
	size_t nhead;
	char tail[KEEP];
	size_t ntail;
};

static void scan_chunk(struct scan *s, const char *p, size_t n)
{
	if (s->nhead < sizeof(s->head) - 1) {
		size_t k = sizeof(s->head) - 1 - s->nhead;
		k = k < n ? k : n;
		memcpy(s->head + s->nhead, p, k);
		s->nhead += k;
		s->head[s->nhead] = '\0';
	}
	for (int k = 0; k < 2 && s->pattern[k]; k++) {
		const char *pat = s->pattern[k];
		size_t tl = strlen(pat);
		/* patterns that start in the bytes kept and end in this chunk */
		char join[KEEP + 16];
		size_t head = n < tl - 1 ? n : tl - 1;
		memcpy(join, s->tail, s->ntail);
		memcpy(join + s->ntail, p, head);
		for (size_t i = 0; i < s->ntail; i++)
			if (i + tl > s->ntail && i + tl <= s->ntail + head &&
			    memcmp(join + i, pat, tl) == 0)
				s->count[k]++;
		for (const char *q = p; (q = memmem(q, (size_t)(p + n - q), pat, tl)); q += tl)
			s->count[k]++;
	}
	/* keep the last KEEP bytes of everything seen */
	if (n >= KEEP) {
		memcpy(s->tail, p + n - KEEP, KEEP);
		s->ntail = KEEP;
	} else {
		size_t keep = s->ntail + n > KEEP ? KEEP - n : s->ntail;
		memmove(s->tail, s->tail + s->ntail - keep, keep);
		memcpy(s->tail + keep, p, n);
		s->ntail = keep + n;
	}
}

/* Whether the entry ends with the end tag of the element it starts with
 * (after an XML declaration): a part cut short does not. */
static bool ends_with_root(const struct scan *s)
{
	const char *h = s->head;
	if (strncmp(h, "<?xml", 5) == 0 && (h = strstr(h, "?>")))
		h += 2;
	while (h && (*h == '\n' || *h == '\r' || *h == ' '))
		h++;
	if (!h || *h != '<')
		return false;
	size_t len = strcspn(h + 1, " \t\r\n/>");
	if (len == 0 || len > MAX_ROOT)
		return false;
	char end[MAX_ROOT + 4];
	snprintf(end, sizeof(end), "</%.*s>", (int)len, h + 1);
	size_t n = s->ntail, el = strlen(end);
	while (n > 0 && (s->tail[n - 1] == '\n' || s->tail[n - 1] == '\r'))
		n--;
	return n >= el && memcmp(s->tail + n - el, end, el) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The sheet number of an entry "xl/worksheets/sheetN.xml", else 0. */
static int sheet_number(const char *name)
{
	size_t pl = sizeof(SHEET_PREFIX) - 1;
	if (strncmp(name, SHEET_PREFIX, pl) != 0)
		return 0;
	char *end;
	long k = strtol(name + pl, &end, 10);
	return end != name + pl && strcmp(end, ".xml") == 0 && k > 0 && k < 100000 ? (int)k : 0;
}

/* The uniqueCount of the shared strings, from the start of the part. */
static long unique_count(const struct scan *s)
{
	const char *u = strstr(s->head, "uniqueCount=\"");
	return u ? strtol(u + sizeof("uniqueCount=\"") - 1, NULL, 10) : -1;
}

int zipcheck_xlsx(const char *path, const uint32_t *rows, const uint32_t *full,
		  const char *const *names, int nsheets, struct evb_error *err)
{
	int ret = 0;
	char *buf = malloc(CHUNK);
	bool *seen = calloc((size_t)nsheets + 1, sizeof(*seen));
	unzFile z = NULL;
	if (!buf || !seen) {
		ret = evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, EVB_NOMEM_TEXT);
		goto out;
	}
	if (!(z = unzOpen64(path))) {
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
				    "the workbook written is not a readable zip file");
		goto out;
	}
	int e = unzGoToFirstFile(z);
	while (e == UNZ_OK) {
		char name[256];
		unz_file_info64 info;
		if (unzGetCurrentFileInfo64(z, &info, name, sizeof(name), NULL, 0, NULL, 0) != UNZ_OK ||
		    unzOpenCurrentFile(z) != UNZ_OK) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written has an unreadable entry");
			goto out;
		}
		struct scan s = { 0 };
		int k = sheet_number(name);
		bool sst = strcmp(name, "xl/sharedStrings.xml") == 0;
		s.pattern[0] = k > 0 ? "<row " : sst ? "<si>" : NULL;
		s.pattern[1] = k > 0 ? "</row>" : NULL;
		int n;
		while ((n = unzReadCurrentFile(z, buf, CHUNK)) > 0)
			scan_chunk(&s, buf, (size_t)n);
		int c = unzCloseCurrentFile(z);
		if (n < 0 || c != UNZ_OK) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written is damaged: '%s' %s", name,
					    c == UNZ_CRCERROR ? "fails its CRC check"
							      : "cannot be inflated");
			goto out;
		}
		if ((has_suffix(name, ".xml") || has_suffix(name, ".rels")) && !ends_with_root(&s)) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written is damaged: '%s' is cut short", name);
			goto out;
		}
		long unique = sst ? unique_count(&s) : 0;
		if (sst && (long)s.count[0] != unique) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written is damaged: %llu of %ld shared strings",
					    (unsigned long long)s.count[0], unique);
			goto out;
		}
		if (k > nsheets) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written holds an unexpected sheet '%s'", name);
			goto out;
		}
		if (k > 0) {
			seen[k] = true;
			if (s.count[0] != rows[k - 1]) {
				ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
						    "sheet '%s' holds %llu of %lu rows", names[k - 1],
						    (unsigned long long)s.count[0],
						    (unsigned long)rows[k - 1]);
				goto out;
			}
			/* libxlsxwriter splices the rows in from a temporary
			 * file and takes a failed read for its end: the last
			 * row is then cut inside, and the sheet still ends
			 * well and holds as many row starts */
			if (s.count[1] != full[k - 1]) {
				ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
						    "the workbook written is damaged: sheet '%s' "
						    "holds %llu of %lu whole rows", names[k - 1],
						    (unsigned long long)s.count[1],
						    (unsigned long)full[k - 1]);
				goto out;
			}
		}
		e = unzGoToNextFile(z);
	}
	if (e != UNZ_END_OF_LIST_OF_FILE) {
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
				    "the workbook written has a damaged zip directory");
		goto out;
	}
	for (int k = 1; k <= nsheets; k++)
		if (!seen[k]) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "sheet '%s' is missing from the workbook written",
					    names[k - 1]);
			goto out;
		}
out:
	if (z && unzClose(z) != UNZ_OK && !ret)
		ret = evb_error_set(err, EVB_EIO, path, 0, NULL, "cannot close the workbook read back");
	free(buf);
	free(seen);
	return ret;
}
