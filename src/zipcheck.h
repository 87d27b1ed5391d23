/*
 * Reading a workbook back after libxlsxwriter closed it (SPEC 5).
 * libxlsxwriter 1.1.4 ignores write errors in its temporary files and
 * still reports success, and a truncated sheet gets valid zip checksums;
 * so every entry of the written file is inflated here and must pass its
 * CRC, every XML part must end with its root element's end tag, the
 * shared strings must be as many as the part says, and every worksheet
 * must hold exactly the rows that were written, each whole (a failed read
 * of the temporary file the rows are spliced in from cuts the last row
 * short and drops the rest, and is not reported either). minizip (Debian's libminizip, the zip code
 * libxlsxwriter itself is built with) lives only here.
 */
#ifndef EVB_ZIPCHECK_H
#define EVB_ZIPCHECK_H

#include "evb.h"

/* rows[i], full[i] and names[i] belong to xl/worksheets/sheet<i+1>.xml:
 * its rows, and of them those with a cell (written <row>...</row>; a row
 * with a height alone is <row/>). Returns 0, or EVB_EIO with the reason
 * in err, e.g. "sheet 'Individrapporter' holds 6 of 40 rows". */
int zipcheck_xlsx(const char *path, const uint32_t *rows, const uint32_t *full,
		  const char *const *names, int nsheets, struct evb_error *err);

#endif
