/* The cryptography linli uses, in one place, all from libsodium: argon2id
 * password hashes, random tokens, token hashes, field encryption for
 * personal data and keyed lookup hashes. Thread-safe after crypto_init. */
#ifndef LINLI_CRYPTO_H
#define LINLI_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define CRYPTO_HASH_HEX 65    /* 32-byte hash as hex + NUL */
#define CRYPTO_TOKEN_CHARS 44 /* 32 random bytes, base64url + NUL */
#define CRYPTO_PWHASH_MAX 128

/* Field-encryption and lookup keys, derived from one master key. */
struct crypto_keys {
	unsigned char enc[32];    /* XSalsa20-Poly1305 (secretbox) */
	unsigned char lookup[32]; /* BLAKE2b keyed hash */
};

/* sodium_init; ERR_INTERNAL if it fails. Call once at start. */
enum err crypto_init(void);
/* Loads the master key from path (64 hex characters); if missing and
 * create is set, makes a new random one (file mode 0600). */
enum err crypto_keys_load(const char *path, bool create, struct crypto_keys *k, struct errinfo *ei);

/* argon2id in libsodium's string form. Slow on purpose (about 50 ms). */
enum err crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX]);
bool crypto_password_verify(const char *hash, const char *password);
/* Verifies against a fixed dummy hash, so an unknown login costs what a
 * wrong password costs (no timing oracle). Always false. */
bool crypto_password_verify_dummy(const char *password);

/* 32 random bytes as base64url (no padding). */
void crypto_token(char out[CRYPTO_TOKEN_CHARS]);
/* BLAKE2b-256 of data as hex: how tokens and keys are stored. */
void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX]);
/* Keyed BLAKE2b-256 as hex: finds a phone or ID number without decrypting. */
void crypto_lookup_hex(const struct crypto_keys *k, const char *s, char out[CRYPTO_HASH_HEX]);
/* Encrypts s into base64 (malloc'd; NULL on failure). */
char *crypto_seal(const struct crypto_keys *k, const char *s);
/* Decrypts crypto_seal's output (malloc'd; NULL if tampered or bad). */
char *crypto_open(const struct crypto_keys *k, const char *sealed);
/* Constant-time string equality. */
bool crypto_equal(const char *a, const char *b);

#endif
