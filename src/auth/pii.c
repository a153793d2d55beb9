/* Sealing, looking up and unmasking personal data. */
#include "auth/pii.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/policy.h"
#include "util/idcard.h"

static enum err seal(const struct app *app, const char *value, struct pii *out, struct errinfo *ei)
{
	out->enc = crypto_seal(&app->keys, value);
	if (out->enc == NULL)
		return err_set(ei, ERR_INTERNAL, NULL, "cannot encrypt personal data");
	crypto_lookup_hex(&app->keys, value, out->hash);
	return ERR_OK;
}

enum err pii_phone(const struct app *app, const char *phone, const char *field, struct pii *out,
                   struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	if (phone == NULL || phone[0] == '\0')
		return ERR_OK;
	const char *why = phone_check(phone, strlen(phone));
	if (why != NULL)
		return err_set(ei, ERR_INVALID, field, "%s %s", field, why);
	phone_mask(phone, out->masked);
	return seal(app, phone, out, ei);
}

enum err pii_id_number(const struct app *app, const char *id, const char *field, struct pii *out,
                       struct errinfo *ei)
{
	memset(out, 0, sizeof *out);
	if (id == NULL || id[0] == '\0')
		return ERR_OK;
	char norm[32];
	snprintf(norm, sizeof norm, "%s", id);
	const char *why = idcard_check(norm, strlen(norm));
	if (why != NULL)
		return err_set(ei, ERR_INVALID, field, "%s: %s", field, why);
	idcard_normalise(norm);
	char masked[19];
	idcard_mask(norm, masked);
	snprintf(out->masked, sizeof out->masked, "%s", masked);
	return seal(app, norm, out, ei);
}

void pii_free(struct pii *p)
{
	free(p->enc);
	p->enc = NULL;
}

void pii_lookup(const struct app *app, const char *value, char out[CRYPTO_HASH_HEX])
{
	char norm[64];
	snprintf(norm, sizeof norm, "%s", value);
	for (char *q = norm; *q; q++)
		*q = (char)toupper((unsigned char)*q); /* an ID number's x */
	crypto_lookup_hex(&app->keys, norm, out);
}

char *pii_open(const struct app *app, const char *enc)
{
	return enc == NULL || enc[0] == '\0' ? NULL : crypto_open(&app->keys, enc);
}

enum err pii_audit_unmask(struct store_conn *c, const struct actor *a, const char *object,
                          const char *fields, struct errinfo *ei)
{
	return audit_append(c, a, "pii.unmask", object, "ok", fields, ei);
}
