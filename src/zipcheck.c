/* Reading a workbook back: see zipcheck.h. */
#define _GNU_SOURCE   /* memmem */
#include "zipcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <minizip/unzip.h>

#define CHUNK (1 << 16)
#define ROW_TAG "<row "
#define END_TAG "</worksheet>"
#define CARRY (sizeof(END_TAG) - 1)
#define SHEET_PREFIX "xl/worksheets/sheet"

#define KEEP (CARRY + 2)   /* END_TAG and a line end */

/* Counts ROW_TAG in a stream of chunks and keeps its last bytes. */
struct scan {
	uint64_t rows;
	char tail[KEEP];
	size_t ntail;
};

static void scan_chunk(struct scan *s, const char *p, size_t n)
{
	size_t tl = sizeof(ROW_TAG) - 1;
	/* tags that start in the bytes kept and end in this chunk */
	char join[KEEP + sizeof(ROW_TAG)];
	size_t head = n < tl - 1 ? n : tl - 1;
	memcpy(join, s->tail, s->ntail);
	memcpy(join + s->ntail, p, head);
	for (size_t i = 0; i < s->ntail; i++)
		if (i + tl > s->ntail && i + tl <= s->ntail + head &&
		    memcmp(join + i, ROW_TAG, tl) == 0)
			s->rows++;
	for (const char *q = p; (q = memmem(q, (size_t)(p + n - q), ROW_TAG, tl)); q += tl)
		s->rows++;
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

static bool ends_as_worksheet(const struct scan *s)
{
	size_t n = s->ntail;
	while (n > 0 && (s->tail[n - 1] == '\n' || s->tail[n - 1] == '\r'))
		n--;
	return n >= CARRY && memcmp(s->tail + n - CARRY, END_TAG, CARRY) == 0;
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

int zipcheck_xlsx(const char *path, const uint32_t *rows, const char *const *names,
		  int nsheets, struct evb_error *err)
{
	int ret = 0;
	char *buf = malloc(CHUNK);
	bool *seen = calloc((size_t)nsheets + 1, sizeof(*seen));
	unzFile z = NULL;
	if (!buf || !seen) {
		ret = evb_error_set(err, EVB_ENOMEM, NULL, 0, NULL, "out of memory");
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
		int k = sheet_number(name);
		if (k > nsheets) {
			ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
					    "the workbook written holds an unexpected sheet '%s'", name);
			goto out;
		}
		if (k > 0) {
			seen[k] = true;
			if (s.rows != rows[k - 1] || !ends_as_worksheet(&s)) {
				ret = evb_error_set(err, EVB_EIO, path, 0, NULL,
						    "sheet '%s' holds %llu of %lu rows%s", names[k - 1],
						    (unsigned long long)s.rows,
						    (unsigned long)rows[k - 1],
						    ends_as_worksheet(&s) ? "" : " and is cut short");
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
