/*
 * Reading a workbook back after libxlsxwriter closed it (SPEC 5).
 * libxlsxwriter 1.1.4 ignores write errors in its temporary files and
 * still reports success, and a truncated sheet gets valid zip checksums;
 * so every entry of the written file is inflated here and must pass its
 * CRC, every XML part must end with its root element's end tag, the
 * shared strings must be as many as the part says, and every worksheet
 * must hold exactly the rows that were written. minizip (Debian's libminizip, the zip code
 * libxlsxwriter itself is built with) lives only here.
 */
#ifndef EVB_ZIPCHECK_H
#define EVB_ZIPCHECK_H

#include "evb.h"

/* rows[i] and names[i] belong to xl/worksheets/sheet<i+1>.xml. Returns 0,
 * or EVB_EIO with the reason in err, e.g. "sheet 'Individrapporter' holds
 * 6 of 40 rows". */
int zipcheck_xlsx(const char *path, const uint32_t *rows, const char *const *names,
		  int nsheets, struct evb_error *err);

#endif
