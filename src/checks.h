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

/* Runs every check on a finalised model. 0 or EVB_ENOMEM. */
int checks_run(struct model *m);

/* Whether a check's findings are for information (Allvar "Information")
 * rather than something to correct ("Åtgärda"). */
bool checks_information(const char *key);

/* Length of a UTF-8 string in characters. */
size_t utf8_chars(const char *s);

#endif
