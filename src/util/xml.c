/* The XML writer of util/xml.h. Escaping is the whole point: every byte
 * of outside text passes xml_text. */
#include "util/xml.h"

#include <string.h>

bool xml_name_ok(const char *s)
{
	if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

void xml_begin(struct xml *x, struct strbuf *sb)
{
	x->sb = sb;
	x->depth = 0;
	x->failed = false;
	strbuf_adds(sb, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
}

void xml_open(struct xml *x, const char *name)
{
	if (!xml_name_ok(name) || x->depth == XML_DEPTH_MAX) {
		x->failed = true;
		return;
	}
	x->open[x->depth++] = name;
	strbuf_addf(x->sb, "<%s>", name);
}

void xml_close(struct xml *x)
{
	if (x->depth == 0) {
		x->failed = true;
		return;
	}
	strbuf_addf(x->sb, "</%s>", x->open[--x->depth]);
}

void xml_text(struct xml *x, const char *s)
{
	if (s == NULL)
		return;
	const char *run = s;
	for (const char *p = s; *p; p++) {
		const char *rep = NULL;
		unsigned char c = (unsigned char)*p;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default:
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				rep = "";
		}
		if (rep == NULL)
			continue;
		strbuf_add(x->sb, run, (size_t)(p - run));
		strbuf_adds(x->sb, rep);
		run = p + 1;
	}
	strbuf_adds(x->sb, run);
}

void xml_element(struct xml *x, const char *name, const char *text)
{
	if (!xml_name_ok(name)) {
		x->failed = true;
		return;
	}
	if (text == NULL) {
		strbuf_addf(x->sb, "<%s/>", name);
		return;
	}
	strbuf_addf(x->sb, "<%s>", name);
	xml_text(x, text);
	strbuf_addf(x->sb, "</%s>", name);
}

bool xml_end(struct xml *x)
{
	while (x->depth > 0)
		xml_close(x);
	strbuf_adds(x->sb, "\n");
	return !x->failed && !x->sb->overflow;
}
