/*
 * Data-quality checks of SPEC section 5.5 that need no IVO computation.
 * Adds findings to the model; never prints, never fails except on ENOMEM.
 */
#ifndef EVB_CHECKS_H
#define EVB_CHECKS_H

#include "model.h"

/* The checks that bear on cases (shown in the IVO workbook and the working
 * list), NULL-terminated. */
extern const char *const checks_case_keys[];

/* Whether a workbook that lists the checks `keys` (NULL-terminated; NULL
 * for every check) lists `key`. */
bool checks_key_listed(const char *const *keys, const char *key);

/* Whether a workbook that lists the checks `keys` (as above) lists a case
 * check: only then must checks_run run (SPEC 5.2, 5.3: the meal report and
 * the fee basis list only their own checks). */
bool checks_case_listed(const char *const *keys);

/* Runs every check on a finalised model. 0 or EVB_ENOMEM. */
int checks_run(struct model *m);

/* Whether a check's findings are for information (Allvar "Information")
 * rather than something to correct ("Åtgärda"). */
bool checks_information(const char *key);

/* Length of a UTF-8 string in characters. */
size_t utf8_chars(const char *s);

#endif
