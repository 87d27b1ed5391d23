/*
 * The template keys the program asks for. templates_load() checks that every
 * one of them exists in templates/texts.csv and templates/layouts.csv, so a
 * report never shows a raw key. A key used by the code must be listed here.
 */
#ifndef EVB_TEMPLATE_KEYS_H
#define EVB_TEMPLATE_KEYS_H

/* Keys of texts.csv; NULL-terminated. */
extern const char *const template_required_texts[];

/* Entries of layouts.csv: "book/sheet" for a sheet's name and
 * "book/sheet/column" for a column header; NULL-terminated. */
extern const char *const template_required_layouts[];

#endif
