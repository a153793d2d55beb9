/* Static files of the built console. The path is checked segment by
 * segment (no "..", ".", hidden or backslashed names), then resolved with
 * realpath and served only if it still lies inside the web root, so
 * neither encoded dots nor symlinks lead outside it. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/limits.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/server_impl.h"

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".map", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".jpeg", "image/jpeg"},
	{".gif", "image/gif"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".woff", "font/woff"},
	{".woff2", "font/woff2"},
	{".ttf", "font/ttf"},
	{".txt", "text/plain; charset=utf-8"},
	{".webmanifest", "application/manifest+json"},
	{".xml", "application/xml"},
	{".wasm", "application/wasm"},
};

static const char *mime_type(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');
	if (dot != NULL && strchr(dot, '/') == NULL)
		for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
			if (strcasecmp(dot, mime_types[i].ext) == 0)
				return mime_types[i].type;
	return "application/octet-stream";
}

/* True if every segment is an ordinary name. */
static bool path_safe(const char *p)
{
	if (p[0] != '/' || strchr(p, '\\') != NULL || strstr(p, "%00") != NULL)
		return false;
	while (*p == '/') {
		p++;
		const char *end = strchrnul(p, '/');
		size_t n = (size_t)(end - p);
		if (n > 0 && p[0] == '.')
			return false; /* "..", ".", ".env", ".git" */
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20)
				return false;
		p = end;
	}
	return *p == '\0';
}

/* The last segment names a file (has an extension) rather than a console route. */
static bool looks_like_file(const char *p)
{
	const char *last = strrchr(p, '/');
	return last != NULL && strchr(last, '.') != NULL;
}

/* Opens `full` if it resolves to a regular file inside the web root. */
static int open_inside(struct server *s, const char *full, struct stat *st)
{
	char resolved[PATH_MAX];
	if (realpath(full, resolved) == NULL)
		return -1;
	if (strncmp(resolved, s->web_root, s->web_root_len) != 0 ||
	    (resolved[s->web_root_len] != '/' && resolved[s->web_root_len] != '\0'))
		return -1; /* a symlink out of the web root */
	int fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool accepts_gzip(struct req *r)
{
	const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
	return ae != NULL && strstr(ae, "gzip") != NULL;
}

static bool send_file(struct req *r, const char *full, const char *cache)
{
	struct server *s = r->srv;
	struct stat st;
	int fd = open_inside(s, full, &st);
	if (fd < 0)
		return false;
	/* A .gz made at build time beside the file is sent to browsers that
	 * take gzip; the type stays the original file's. */
	bool gz = false;
	if (accepts_gzip(r)) {
		char gzpath[PATH_MAX];
		struct stat gst;
		int gfd = -1;
		if ((size_t)snprintf(gzpath, sizeof gzpath, "%s.gz", full) < sizeof gzpath)
			gfd = open_inside(s, gzpath, &gst);
		if (gfd >= 0) {
			close(fd);
			fd = gfd;
			st = gst;
			gz = true;
		}
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (resp == NULL) {
		close(fd);
		return false;
	}
	MHD_add_response_header(resp, "Content-Type", mime_type(full));
	MHD_add_response_header(resp, "Cache-Control", cache);
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(resp, "Content-Encoding", "gzip");
	req_queue(r, MHD_HTTP_OK, resp);
	return true;
}

void static_serve(struct req *r)
{
	struct server *s = r->srv;
	if (s->web_root == NULL) {
		reply_error(r, ERR_NOTFOUND, NULL, "the console is not built (run make)");
		return;
	}
	if (!path_safe(r->path)) {
		reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	char full[PATH_MAX];
	size_t plen = strlen(r->path);
	if (s->web_root_len + plen + sizeof "/index.html" > sizeof full) {
		reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	/* Vite puts content-hashed names under /assets/: cache them for a year.
	 * Everything else is revalidated so a new build shows at once. */
	bool hashed = strncmp(r->path, "/assets/", 8) == 0;
	memcpy(full, s->web_root, s->web_root_len);
	memcpy(full + s->web_root_len, r->path, plen + 1);
	if (strcmp(r->path, "/") != 0 &&
	    send_file(r, full, hashed ? "public, max-age=31536000, immutable" : "no-cache"))
		return;
	if (looks_like_file(r->path) || hashed) {
		reply_error(r, ERR_NOTFOUND, NULL, "no such file");
		return;
	}
	/* A console route (/requests/123): the single-page app decides. */
	memcpy(full + s->web_root_len, "/index.html", sizeof "/index.html");
	if (!send_file(r, full, "no-cache"))
		reply_error(r, ERR_NOTFOUND, NULL, "the console is not built (run make)");
}
