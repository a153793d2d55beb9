/* JSON shapes shared by the accounts handlers (session, users). */
#ifndef LINLI_ACCOUNTS_JSON_H
#define LINLI_ACCOUNTS_JSON_H

#include <jansson.h>

#include "store/accounts.h"

json_t *user_json(const struct user_row *u);
/* Fills dst from a validated JSON array of strings (at most max). */
int strings_from_json(json_t *arr, char *dst, size_t width, int max);

#endif
