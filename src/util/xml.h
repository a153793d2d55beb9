/* A small XML writer for the Open311 answers: elements opened and closed
 * in order, text and attribute values escaped, nothing else (no
 * namespaces, no DTD). Writes into a strbuf, so its maximum and overflow
 * flag hold; check sb->overflow once at the end. Not thread-safe. */
#ifndef LINLI_XML_H
#define LINLI_XML_H

#include <stdbool.h>

#include "util/strbuf.h"

#define XML_DEPTH_MAX 16

struct xml {
	struct strbuf *sb;
	const char *open[XML_DEPTH_MAX]; /* names of the open elements (borrowed) */
	int depth;
	bool failed; /* a bad name, too deep, or a close without an open */
};

/* Starts a document: the <?xml …?> declaration. */
void xml_begin(struct xml *x, struct strbuf *sb);
/* <name>; name must be a plain XML name ([A-Za-z_][A-Za-z0-9_.-]*) and
 * outlive the element. */
void xml_open(struct xml *x, const char *name);
/* </name> of the innermost open element. */
void xml_close(struct xml *x);
/* Escaped character data (& < > " ' and control characters other than
 * tab and newlines, which XML 1.0 cannot carry, are dropped). */
void xml_text(struct xml *x, const char *s);
/* <name>text</name>; a NULL text writes <name/>. */
void xml_element(struct xml *x, const char *name, const char *text);
/* Closes what is open; false when anything went wrong (or overflowed). */
bool xml_end(struct xml *x);
/* Is s a name xml_open takes? */
bool xml_name_ok(const char *s);

#endif
