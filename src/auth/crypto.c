/* libsodium wrappers. */
#include "auth/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum err crypto_init(void)
{
	return sodium_init() < 0 ? ERR_INTERNAL : ERR_OK;
}

enum err crypto_keys_load(const char *path, bool create, struct crypto_keys *k, struct errinfo *ei)
{
	unsigned char master[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 2];
	FILE *f = fopen(path, "r");
	int fd = -1;
	if (f == NULL && errno == ENOENT && create) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST) {
			/* Another process made it first: wait for it to be written. */
			for (int i = 0; i < 100 && f == NULL; i++) {
				struct stat st;
				if (stat(path, &st) == 0 && st.st_size >= 64)
					f = fopen(path, "r");
				else
					usleep(10000);
			}
		}
	}
	if (fd >= 0) {
		crypto_kdf_keygen(master);
		sodium_bin2hex(hex, sizeof hex, master, sizeof master);
		size_t n = strlen(hex);
		bool ok = write(fd, hex, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
		close(fd);
		if (!ok)
			return err_set(ei, ERR_UNAVAIL, "key_file", "cannot write %s", path);
	} else if (f == NULL) {
		if (create && errno != ENOENT)
			return err_set(ei, ERR_UNAVAIL, "key_file", "cannot create %s: %s", path, strerror(errno));
		return err_set(ei, ERR_UNAVAIL, "key_file",
		               "cannot read the key file %s: %s (linli init creates it)", path,
		               strerror(errno));
	} else {
		size_t n = fread(hex, 1, sizeof hex - 1, f);
		fclose(f);
		hex[n] = '\0';
		size_t bin = 0;
		if (sodium_hex2bin(master, sizeof master, hex, n, "\n\r ", &bin, NULL) != 0 ||
		    bin != sizeof master)
			return err_set(ei, ERR_INVALID, "key_file", "%s does not hold a 64-hex-digit key", path);
	}
	crypto_kdf_derive_from_key(k->enc, sizeof k->enc, 1, "linlipii", master);
	crypto_kdf_derive_from_key(k->lookup, sizeof k->lookup, 2, "linlipii", master);
	sodium_memzero(master, sizeof master);
	sodium_memzero(hex, sizeof hex);
	return ERR_OK;
}

enum err crypto_password_hash(const char *password, char out[CRYPTO_PWHASH_MAX])
{
	_Static_assert(crypto_pwhash_STRBYTES <= CRYPTO_PWHASH_MAX, "pwhash buffer");
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return ERR_INTERNAL; /* out of memory */
	return ERR_OK;
}

bool crypto_password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static char dummy_hash[CRYPTO_PWHASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[CRYPTO_TOKEN_CHARS];
	crypto_token(pw);
	if (crypto_password_hash(pw, dummy_hash) != ERR_OK)
		dummy_hash[0] = '\0';
}

bool crypto_password_verify_dummy(const char *password)
{
	pthread_once(&dummy_once, dummy_init);
	if (dummy_hash[0] != '\0')
		crypto_password_verify(dummy_hash, password);
	return false;
}

void crypto_token(char out[CRYPTO_TOKEN_CHARS])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2base64(out, CRYPTO_TOKEN_CHARS, b, sizeof b, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(b, sizeof b);
}

void crypto_hash_hex(const void *data, size_t len, char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, h, sizeof h);
}

void crypto_lookup_hex(const struct crypto_keys *k, const char *s, char out[CRYPTO_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), k->lookup, sizeof k->lookup);
	sodium_bin2hex(out, CRYPTO_HASH_HEX, h, sizeof h);
}

char *crypto_seal(const struct crypto_keys *k, const char *s)
{
	size_t n = strlen(s);
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *b = malloc(blen);
	if (b == NULL)
		return NULL;
	randombytes_buf(b, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(b + crypto_secretbox_NONCEBYTES, (const unsigned char *)s, n, b, k->enc);
	size_t olen = sodium_base64_encoded_len(blen, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(olen);
	if (out != NULL)
		sodium_bin2base64(out, olen, b, blen, sodium_base64_VARIANT_ORIGINAL);
	free(b);
	return out;
}

char *crypto_open(const struct crypto_keys *k, const char *sealed)
{
	size_t slen = strlen(sealed), blen = 0;
	unsigned char *b = malloc(slen + 1);
	char *out = NULL;
	if (b == NULL)
		return NULL;
	if (sodium_base642bin(b, slen, sealed, slen, NULL, &blen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    blen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto out;
	size_t n = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	out = malloc(n + 1);
	if (out == NULL)
		goto out;
	if (crypto_secretbox_open_easy((unsigned char *)out, b + crypto_secretbox_NONCEBYTES,
	                               blen - crypto_secretbox_NONCEBYTES, b, k->enc) != 0) {
		free(out);
		out = NULL;
		goto out;
	}
	out[n] = '\0';
out:
	free(b);
	return out;
}

bool crypto_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}
