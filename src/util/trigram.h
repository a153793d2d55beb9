/* Trigram similarity of Chinese text, for possible duplicates: what share
 * of a query's trigrams (three characters in a row) a text contains. The
 * SQLite store registers it as word_similarity(query, text), so one SQL
 * text serves both backends (PostgreSQL's pg_trgm has a function of that
 * name; its per-word extent differs, but Chinese has no spaces, so each
 * text is one "word" to pg_trgm anyway). Characters are code points;
 * spaces and ASCII punctuation are not part of any trigram. */
#ifndef LINLI_TRIGRAM_H
#define LINLI_TRIGRAM_H

#include <stddef.h>

/* 0 (nothing shared, or the query has no trigram) .. 1 (every trigram of
 * query is in text). Linear in the lengths; no allocation for texts up to
 * TRIGRAM_TEXT_MAX characters (the rest of a longer text is not looked at). */
#define TRIGRAM_TEXT_MAX 4096
double trigram_similarity(const char *query, size_t qlen, const char *text, size_t tlen);

#endif
