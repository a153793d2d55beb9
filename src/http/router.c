/* The router: patterns split into segments once; a linear scan is plenty
 * for a few hundred rows and keeps matching order obvious (first row wins).
 * A segment may end in ".{name}", a parameter taking what follows the
 * segment's last dot (Open311's "services.{format}", "{code}.{format}"). */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

struct segment {
	const char *text; /* literal, or parameter name */
	size_t len;
	bool param;
	const char *ext; /* the ".{name}" suffix parameter's name, or NULL */
	size_t extlen;
};

struct compiled {
	struct segment seg[LIMIT_PATH_SEGMENTS];
	int nseg;
};

struct router {
	const struct route *routes;
	int n;
	struct compiled *c;
};

const char *http_method_name(enum http_method m)
{
	static const char *const names[HTTP__MAX] = {
		/* HTTP_GET */ "GET",
		/* HTTP_POST */ "POST",
		/* HTTP_PUT */ "PUT",
		/* HTTP_PATCH */ "PATCH",
		/* HTTP_DELETE */ "DELETE",
	};
	return (unsigned)m < HTTP__MAX ? names[m] : "?";
}

static bool declared_param(const struct route *r, const char *name, size_t len)
{
	for (int i = 0; r->params != NULL && r->params[i].name != NULL; i++)
		if (strlen(r->params[i].name) == len && memcmp(r->params[i].name, name, len) == 0)
			return true;
	return false;
}

static enum err compile(const struct route *r, struct compiled *c, struct errinfo *ei)
{
	const char *p = r->pattern;
	if (p == NULL || p[0] != '/')
		return err_set(ei, ERR_INVALID, NULL, "route pattern must start with /");
	c->nseg = 0;
	int nparams = 0;
	while (*p == '/') {
		p++;
		const char *end = strchr(p, '/');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0)
			return err_set(ei, ERR_INVALID, NULL, "empty segment in %s", r->pattern);
		if (c->nseg == LIMIT_PATH_SEGMENTS)
			return err_set(ei, ERR_INVALID, NULL, "too many segments in %s", r->pattern);
		struct segment *s = &c->seg[c->nseg++];
		size_t seglen = len;
		s->ext = NULL;
		s->extlen = 0;
		/* ".{name}" at the end: a suffix parameter after the last dot */
		const char *dot = NULL;
		for (const char *q = p; q + 1 < p + len; q++)
			if (q[0] == '.' && q[1] == '{')
				dot = q;
		if (dot != NULL) {
			const char *ename = dot + 2;
			size_t elen = (size_t)(p + len - ename);
			if (dot == p || elen < 2 || ename[elen - 1] != '}' ||
			    memchr(ename, '.', elen) != NULL)
				return err_set(ei, ERR_INVALID, NULL, "bad suffix parameter in %s", r->pattern);
			s->ext = ename;
			s->extlen = elen - 1;
			if (!declared_param(r, s->ext, s->extlen))
				return err_set(ei, ERR_INVALID, NULL, "parameter of %s not declared", r->pattern);
			if (++nparams > LIMIT_ROUTE_PARAMS)
				return err_set(ei, ERR_INVALID, NULL, "too many parameters in %s", r->pattern);
			len = (size_t)(dot - p);
		}
		if (p[0] == '{') {
			if (len < 3 || p[len - 1] != '}')
				return err_set(ei, ERR_INVALID, NULL, "bad parameter in %s", r->pattern);
			s->param = true;
			s->text = p + 1;
			s->len = len - 2;
			if (memchr(s->text, '.', s->len) != NULL || memchr(s->text, '{', s->len) != NULL)
				return err_set(ei, ERR_INVALID, NULL, "bad parameter in %s", r->pattern);
			if (!declared_param(r, s->text, s->len))
				return err_set(ei, ERR_INVALID, NULL, "parameter of %s not declared", r->pattern);
			if (++nparams > LIMIT_ROUTE_PARAMS)
				return err_set(ei, ERR_INVALID, NULL, "too many parameters in %s", r->pattern);
		} else {
			s->param = false;
			s->text = p;
			s->len = len;
		}
		p += seglen;
	}
	if (nparams != fields_count(r->params))
		return err_set(ei, ERR_INVALID, NULL, "declared parameters of %s not in the pattern",
		               r->pattern);
	return ERR_OK;
}

static bool same_shape(const struct compiled *a, const struct compiled *b)
{
	if (a->nseg != b->nseg)
		return false;
	for (int i = 0; i < a->nseg; i++) {
		if (a->seg[i].param != b->seg[i].param || (a->seg[i].ext == NULL) != (b->seg[i].ext == NULL))
			return false;
		if (!a->seg[i].param &&
		    (a->seg[i].len != b->seg[i].len || memcmp(a->seg[i].text, b->seg[i].text, a->seg[i].len)))
			return false;
	}
	return true;
}

enum err router_build(const struct route *routes, int n, struct router **out, struct errinfo *ei)
{
	struct router *rt = calloc(1, sizeof *rt);
	enum err rc = ERR_OK;
	if (rt == NULL || (rt->c = calloc((size_t)n + 1, sizeof *rt->c)) == NULL) {
		rc = err_set(ei, ERR_INTERNAL, NULL, "out of memory");
		goto fail;
	}
	rt->routes = routes;
	rt->n = n;
	for (int i = 0; i < n; i++) {
		const struct route *r = &routes[i];
		/* Nothing ships unchecked: every row states who may call it. */
		if (r->cap == NULL || r->cap[0] == '\0') {
			rc = err_set(ei, ERR_INVALID, NULL, "route %s %s declares no capability",
			             http_method_name(r->method), r->pattern ? r->pattern : "?");
			goto fail;
		}
		if (r->handler == NULL || (unsigned)r->method >= HTTP__MAX) {
			rc = err_set(ei, ERR_INVALID, NULL, "route %s has no handler or a bad method",
			             r->pattern ? r->pattern : "?");
			goto fail;
		}
		if ((rc = compile(r, &rt->c[i], ei)) != ERR_OK)
			goto fail;
		for (int j = 0; j < i; j++)
			if (routes[j].method == r->method && same_shape(&rt->c[j], &rt->c[i])) {
				rc = err_set(ei, ERR_INVALID, NULL, "routes %s and %s clash", routes[j].pattern,
				             r->pattern);
				goto fail;
			}
	}
	*out = rt;
	return ERR_OK;
fail:
	router_free(rt);
	*out = NULL;
	return rc;
}

void router_free(struct router *rt)
{
	if (rt == NULL)
		return;
	free(rt->c);
	free(rt);
}

int router_size(const struct router *rt) { return rt->n; }
const struct route *router_route(const struct router *rt, int i) { return &rt->routes[i]; }

/* The name is the pattern's, NUL-terminated in the spec. */
static void add_param(struct route_match *m, const char *name, size_t len, const char *value)
{
	for (int k = 0; m->route->params[k].name != NULL; k++)
		if (strlen(m->route->params[k].name) == len &&
		    memcmp(m->route->params[k].name, name, len) == 0)
			m->params[m->nparams].key = m->route->params[k].name;
	m->params[m->nparams++].value = value;
}

enum err router_match(const struct router *rt, enum http_method method, const char *path,
                      struct route_match *m, unsigned *allow)
{
	size_t plen = strlen(path);
	*allow = 0;
	if (path[0] != '/' || plen >= sizeof m->buf)
		return ERR_NOTFOUND;
	memcpy(m->buf, path, plen + 1);
	/* Split the copy into segments. A trailing slash is its own empty
	 * segment, so "/api/v1/health/" does not match "/api/v1/health". */
	char *segs[LIMIT_PATH_SEGMENTS + 1];
	size_t lens[LIMIT_PATH_SEGMENTS + 1];
	int nseg = 0;
	char *p = m->buf;
	while (*p == '/') {
		if (nseg > LIMIT_PATH_SEGMENTS)
			return ERR_NOTFOUND;
		*p++ = '\0';
		char *end = strchr(p, '/');
		segs[nseg] = p;
		lens[nseg] = end ? (size_t)(end - p) : strlen(p);
		p += lens[nseg];
		nseg++;
	}
	for (int i = 0; i < rt->n; i++) {
		const struct compiled *c = &rt->c[i];
		if (c->nseg != nseg)
			continue;
		bool ok = true;
		for (int s = 0; s < nseg && ok; s++) {
			size_t blen = lens[s];
			if (c->seg[s].ext != NULL) {
				/* base and suffix, split at the last dot; both non-empty */
				const char *dot = NULL;
				for (size_t k = 0; k < lens[s]; k++)
					if (segs[s][k] == '.')
						dot = segs[s] + k;
				if (dot == NULL || dot + 1 == segs[s] + lens[s]) {
					ok = false;
					break;
				}
				blen = (size_t)(dot - segs[s]);
			}
			if (c->seg[s].param)
				ok = blen > 0;
			else
				ok = blen == c->seg[s].len && memcmp(segs[s], c->seg[s].text, blen) == 0;
		}
		if (!ok)
			continue;
		if (rt->routes[i].method != method) {
			*allow |= 1u << rt->routes[i].method;
			continue;
		}
		m->route = &rt->routes[i];
		m->index = i;
		m->nparams = 0;
		for (int s = 0; s < nseg; s++) {
			char *ext = NULL;
			segs[s][lens[s]] = '\0';
			if (c->seg[s].ext != NULL) {
				char *dot = strrchr(segs[s], '.');
				*dot = '\0';
				ext = dot + 1;
			}
			if (c->seg[s].param)
				add_param(m, c->seg[s].text, c->seg[s].len, segs[s]);
			if (ext != NULL)
				add_param(m, c->seg[s].ext, c->seg[s].extlen, ext);
		}
		return ERR_OK;
	}
	return *allow ? ERR_METHOD : ERR_NOTFOUND;
}
