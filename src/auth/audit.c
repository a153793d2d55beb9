/* Audit chain: hash = BLAKE2b-256 over the previous hash and every field,
 * each field length-prefixed so no two different rows hash the same text. */
#include "auth/audit.h"

#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/utf8.h"

static void row_hash(const struct audit_row *a, char out[CRYPTO_HASH_HEX])
{
	struct strbuf sb;
	strbuf_init(&sb, 8192);
	const char *fields[] = {a->prev_hash, a->at,     a->login,      a->address, a->action,
	                        a->object,    a->outcome, a->request_id, a->detail};
	strbuf_addf(&sb, "%lld;", (long long)a->user_id);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		strbuf_addf(&sb, "%zu:%s;", strlen(fields[i]), fields[i]);
	crypto_hash_hex(sb.buf, sb.len, out);
	strbuf_free(&sb);
}

enum err audit_append(struct store_conn *c, const struct actor *a, const char *action,
                      const char *object, const char *outcome, const char *detail,
                      struct errinfo *ei)
{
	struct audit_row r;
	memset(&r, 0, sizeof r);
	clock_now_iso(r.at);
	if (a != NULL && a->who != NULL && a->who->user_id != 0) {
		r.user_id = a->who->user_id;
		utf8_copy(r.login, sizeof r.login, a->who->login);
	} else if (a != NULL && a->login != NULL) {
		utf8_copy(r.login, sizeof r.login, a->login);
	}
	if (a != NULL) {
		utf8_copy(r.address, sizeof r.address, a->address ? a->address : "");
		utf8_copy(r.request_id, sizeof r.request_id, a->request_id ? a->request_id : "");
	}
	utf8_copy(r.action, sizeof r.action, action);
	utf8_copy(r.object, sizeof r.object, object ? object : "");
	utf8_copy(r.outcome, sizeof r.outcome, outcome);
	utf8_copy(r.detail, sizeof r.detail, detail ? detail : "");
	enum err rc = store_audit_last_hash(c, r.prev_hash, ei);
	if (rc != ERR_OK)
		return rc;
	row_hash(&r, r.hash);
	return store_audit_insert(c, &r, ei);
}

struct record_ctx {
	const struct actor *a;
	const char *action, *object, *outcome, *detail;
};

static enum err record_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct record_ctx *x = arg;
	return audit_append(c, x->a, x->action, x->object, x->outcome, x->detail, ei);
}

enum err audit_record(struct store *st, const struct actor *a, const char *action,
                      const char *object, const char *outcome, const char *detail)
{
	struct record_ctx x = {a, action, object, outcome, detail};
	struct errinfo ei;
	enum err rc = store_write(st, record_fn, &x, &ei);
	if (rc != ERR_OK)
		log_event(LOG_ERROR, a ? a->request_id : NULL, "audit row not written", NULL);
	return rc;
}

struct verify_ctx {
	struct audit_verdict *v;
	char prev[CRYPTO_HASH_HEX];
};

static bool verify_row(void *arg, const struct audit_row *a)
{
	struct verify_ctx *x = arg;
	char h[CRYPTO_HASH_HEX];
	x->v->rows++;
	if (strcmp(a->prev_hash, x->prev) != 0) {
		x->v->broken_id = a->id;
		snprintf(x->v->reason, sizeof x->v->reason,
		         "row %lld does not follow the row before it (a row was removed or changed)",
		         (long long)a->id);
		return false;
	}
	row_hash(a, h);
	if (strcmp(h, a->hash) != 0) {
		x->v->broken_id = a->id;
		snprintf(x->v->reason, sizeof x->v->reason, "row %lld was changed after it was written",
		         (long long)a->id);
		return false;
	}
	memcpy(x->prev, a->hash, sizeof x->prev);
	return true;
}

static enum err verify_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	return store_audit_walk(c, verify_row, arg, ei);
}

enum err audit_verify(struct store *st, struct audit_verdict *v, struct errinfo *ei)
{
	struct verify_ctx x = {.v = v};
	memset(v, 0, sizeof *v);
	memset(x.prev, '0', CRYPTO_HASH_HEX - 1);
	x.prev[CRYPTO_HASH_HEX - 1] = '\0';
	return store_read(st, verify_fn, &x, ei);
}

struct search_ctx {
	const struct audit_filter *f;
	void (*fn)(void *ctx, const struct audit_row *a);
	void *ctx;
};

static enum err search_fn(struct store_conn *c, void *arg, struct errinfo *ei)
{
	struct search_ctx *x = arg;
	return store_audit_search(c, x->f, x->fn, x->ctx, ei);
}

enum err audit_search(struct store *st, const struct audit_filter *f,
                      void (*fn)(void *ctx, const struct audit_row *a), void *ctx,
                      struct errinfo *ei)
{
	struct search_ctx x = {f, fn, ctx};
	return store_read(st, search_fn, &x, ei);
}
