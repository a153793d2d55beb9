/* Personal data at rest (DESIGN.md "Access and personal data"): an ID
 * number or a phone is kept encrypted, found through a keyed hash and
 * shown masked. Unmasking is an explicit, audited call (auth/pii.c). */
#ifndef LINLI_PII_H
#define LINLI_PII_H

#include <stdbool.h>

#include "auth/crypto.h"
#include "auth/identity.h"
#include "store/store.h"

struct app;

#define PII_MASKED_MAX 24

struct pii {
	char *enc;                   /* NULL when the value is empty */
	char hash[CRYPTO_HASH_HEX];  /* "" when empty */
	char masked[PII_MASKED_MAX]; /* "" when empty */
};

/* Checks and seals a phone (empty or NULL → an empty pii). ERR_INVALID names field. */
enum err pii_phone(const struct app *app, const char *phone, const char *field, struct pii *out,
                   struct errinfo *ei);
/* The same for a GB 11643 ID number (normalised to upper-case X). */
enum err pii_id_number(const struct app *app, const char *id, const char *field, struct pii *out,
                       struct errinfo *ei);
void pii_free(struct pii *p);
/* The lookup hash of a value as typed (for "find by phone / ID number"). */
void pii_lookup(const struct app *app, const char *value, char out[CRYPTO_HASH_HEX]);
/* Decrypts a sealed value; NULL on failure. The caller frees it. */
char *pii_open(const struct app *app, const char *enc);
/* Writes the audit row of an unmasking inside the caller's transaction. */
enum err pii_audit_unmask(struct store_conn *c, const struct actor *a, const char *object,
                          const char *fields, struct errinfo *ei);

#endif
