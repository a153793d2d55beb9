/* Unit tests for src/auth/crypto.c: argon2id hashes and their verification,
 * the dummy verification that makes an unknown login cost what a wrong
 * password costs, random tokens, BLAKE2b hashes (plain and keyed), field
 * encryption (round trip, tampering, wrong key), the master key file, and
 * constant-time equality. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth/crypto.c"
#include "util/clock.h"

static int group_setup(void **state)
{
	(void)state;
	return crypto_init() == ERR_OK ? 0 : -1;
}

/* Keys from one fresh master key (a key file in a temporary directory). */
static void fresh_keys(struct crypto_keys *k)
{
	char dir[] = "/tmp/linli-crypto-XXXXXX", path[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/key", dir);
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(crypto_keys_load(path, true, k, &ei), ERR_OK);
	unlink(path);
	rmdir(dir);
}

/* --- passwords ------------------------------------------------------------------ */

static void test_password_round_trip(void **state)
{
	(void)state;
	char h[CRYPTO_PWHASH_MAX], h2[CRYPTO_PWHASH_MAX];
	assert_int_equal(crypto_password_hash("Secret-2026", h), ERR_OK);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	assert_null(strstr(h, "Secret-2026"));
	assert_true(crypto_password_verify(h, "Secret-2026"));
	assert_false(crypto_password_verify(h, "secret-2026"));
	assert_false(crypto_password_verify(h, "Secret-2026 "));
	assert_false(crypto_password_verify(h, "Secret-202"));
	assert_false(crypto_password_verify(h, ""));
	/* a fresh salt each time */
	assert_int_equal(crypto_password_hash("Secret-2026", h2), ERR_OK);
	assert_string_not_equal(h, h2);
	assert_true(crypto_password_verify(h2, "Secret-2026"));
	/* UTF-8 passwords are bytes like any other */
	assert_int_equal(crypto_password_hash("密码Mima-1", h), ERR_OK);
	assert_true(crypto_password_verify(h, "密码Mima-1"));
	assert_false(crypto_password_verify(h, "密码Mima-2"));
}

/* A stored hash that is not an argon2 string never verifies. */
static void test_password_verify_garbage_hash(void **state)
{
	(void)state;
	assert_false(crypto_password_verify("", "x"));
	assert_false(crypto_password_verify("", ""));
	assert_false(crypto_password_verify("$argon2id$v=19$m=1,t=1,p=1$AAAA$AAAA", "x"));
	assert_false(crypto_password_verify("plain-text-password", "plain-text-password"));
}

static int64_t time_ns(bool dummy, const char *hash)
{
	int64_t t0 = clock_mono_ns();
	bool ok = dummy ? crypto_password_verify_dummy("Wrong-Password-1")
	                : crypto_password_verify(hash, "Wrong-Password-1");
	int64_t t = clock_mono_ns() - t0;
	assert_false(ok);
	return t;
}

/* The dummy never verifies, and costs about what a real (failed)
 * verification costs: the best of a few runs of each within a factor 2.
 * A property, not a benchmark. */
static void test_password_verify_dummy(void **state)
{
	(void)state;
	assert_false(crypto_password_verify_dummy(""));
	assert_false(crypto_password_verify_dummy("anything"));
	char h[CRYPTO_PWHASH_MAX];
	assert_int_equal(crypto_password_hash("Right-Password-1", h), ERR_OK);
	int64_t real = INT64_MAX, dummy = INT64_MAX;
	for (int i = 0; i < 3; i++) {
		int64_t a = time_ns(false, h), b = time_ns(true, NULL);
		if (a < real)
			real = a;
		if (b < dummy)
			dummy = b;
	}
	double ratio = (double)dummy / (double)real;
	print_message("# verify %.1f ms, dummy %.1f ms, ratio %.2f\n", (double)real / 1e6,
	              (double)dummy / 1e6, ratio);
	if (ratio < 0.5 || ratio > 2.0)
		fail_msg("dummy verification costs %.2f times a real one", ratio);
	/* The dummy is keyed to nothing guessable: even its own hash's password fails. */
	assert_false(crypto_password_verify_dummy(dummy_hash));
}

/* --- tokens and hashes ------------------------------------------------------------ */

static bool base64url(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

static void test_tokens(void **state)
{
	(void)state;
	char seen[64][CRYPTO_TOKEN_CHARS];
	for (int i = 0; i < 64; i++) {
		memset(seen[i], 'x', sizeof seen[i]);
		crypto_token(seen[i]);
		assert_int_equal(strlen(seen[i]), 43);
		if (!base64url(seen[i]))
			fail_msg("token %s is not base64url without padding", seen[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(seen[i], seen[j]);
	}
}

static void test_hash_hex(void **state)
{
	(void)state;
	char h[CRYPTO_HASH_HEX];
	/* BLAKE2b-256 test vectors */
	crypto_hash_hex("", 0, h);
	assert_string_equal(h, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
	crypto_hash_hex("abc", 3, h);
	assert_string_equal(h, "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	/* the length given counts, not a NUL */
	char h2[CRYPTO_HASH_HEX];
	crypto_hash_hex("abcdef", 3, h2);
	assert_string_equal(h, h2);
}

static void test_lookup_hash(void **state)
{
	(void)state;
	struct crypto_keys k1, k2;
	fresh_keys(&k1);
	fresh_keys(&k2);
	char a[CRYPTO_HASH_HEX], b[CRYPTO_HASH_HEX], c[CRYPTO_HASH_HEX], d[CRYPTO_HASH_HEX];
	crypto_lookup_hex(&k1, "13812345678", a);
	crypto_lookup_hex(&k1, "13812345678", b);
	crypto_lookup_hex(&k2, "13812345678", c);
	crypto_lookup_hex(&k1, "13812345679", d);
	assert_int_equal(strlen(a), 64);
	assert_string_equal(a, b);     /* stable for a key */
	assert_string_not_equal(a, c); /* differs across keys */
	assert_string_not_equal(a, d);
	/* keyed: not the plain hash of the text */
	char plain[CRYPTO_HASH_HEX];
	crypto_hash_hex("13812345678", 11, plain);
	assert_string_not_equal(a, plain);
	/* the two derived keys differ */
	assert_memory_not_equal(k1.enc, k1.lookup, sizeof k1.enc);
}

/* --- field encryption --------------------------------------------------------------- */

static void test_seal_open_round_trip(void **state)
{
	(void)state;
	struct crypto_keys k;
	fresh_keys(&k);
	static const char *const texts[] = {"13812345678", "", "110105199001011234", "王丽 · 东城区",
	                                    NULL};
	for (const char *const *t = texts; *t; t++) {
		char *s1 = crypto_seal(&k, *t), *s2 = crypto_seal(&k, *t);
		assert_non_null(s1);
		assert_non_null(s2);
		assert_string_not_equal(s1, s2); /* a fresh nonce each time */
		if ((*t)[0] != '\0')
			assert_null(strstr(s1, *t));
		char *o = crypto_open(&k, s1);
		assert_non_null(o);
		assert_string_equal(o, *t);
		free(o);
		free(s1);
		free(s2);
	}
}

static void test_open_tampered(void **state)
{
	(void)state;
	struct crypto_keys k;
	fresh_keys(&k);
	char *s = crypto_seal(&k, "13812345678");
	assert_non_null(s);
	size_t n = strlen(s);
	/* flip one base64 character at the nonce, in the MAC and in the ciphertext */
	size_t at[] = {0, 40, n - 4};
	for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
		char *t = strdup(s);
		assert_non_null(t);
		t[at[i]] = t[at[i]] == 'A' ? 'B' : 'A';
		char *o = crypto_open(&k, t);
		if (o != NULL)
			fail_msg("opened a sealed text changed at %zu: %s", at[i], o);
		free(t);
	}
	/* truncated, empty, not base64 */
	char *t = strdup(s);
	assert_non_null(t);
	t[n - 8] = '\0';
	assert_null(crypto_open(&k, t));
	free(t);
	assert_null(crypto_open(&k, ""));
	assert_null(crypto_open(&k, "AAAA"));
	assert_null(crypto_open(&k, "not base64 at all!"));
	free(s);
}

static void test_open_wrong_key(void **state)
{
	(void)state;
	struct crypto_keys k1, k2;
	fresh_keys(&k1);
	fresh_keys(&k2);
	char *s = crypto_seal(&k1, "13812345678");
	assert_non_null(s);
	assert_null(crypto_open(&k2, s));
	/* the lookup key does not open it either */
	struct crypto_keys swapped;
	memcpy(swapped.enc, k1.lookup, sizeof swapped.enc);
	memcpy(swapped.lookup, k1.enc, sizeof swapped.lookup);
	assert_null(crypto_open(&swapped, s));
	free(s);
}

/* --- the key file --------------------------------------------------------------------- */

struct keydir {
	char dir[64];
	char path[96];
};

static int keydir_setup(void **state)
{
	struct keydir *d = calloc(1, sizeof *d);
	if (d == NULL)
		return -1;
	snprintf(d->dir, sizeof d->dir, "/tmp/linli-keys-XXXXXX");
	if (mkdtemp(d->dir) == NULL) {
		free(d);
		return -1;
	}
	snprintf(d->path, sizeof d->path, "%s/master.key", d->dir);
	*state = d;
	return 0;
}

static int keydir_teardown(void **state)
{
	struct keydir *d = *state;
	unlink(d->path);
	rmdir(d->dir);
	free(d);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_keys_create_and_reload(void **state)
{
	struct keydir *d = *state;
	struct crypto_keys k1, k2;
	struct errinfo ei;
	/* missing and not to be created */
	err_clear(&ei);
	assert_int_equal(crypto_keys_load(d->path, false, &k1, &ei), ERR_UNAVAIL);
	assert_string_equal(ei.field, "key_file");
	assert_int_equal(access(d->path, F_OK), -1);
	/* created: mode 0600, 64 hex characters and a newline */
	err_clear(&ei);
	assert_int_equal(crypto_keys_load(d->path, true, &k1, &ei), ERR_OK);
	struct stat st;
	assert_int_equal(stat(d->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char text[128] = "";
	FILE *f = fopen(d->path, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_int_equal(n, 65);
	assert_int_equal(text[64], '\n');
	for (int i = 0; i < 64; i++)
		if (!((text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f')))
			fail_msg("key file character %d is %c", i, text[i]);
	/* reloaded, with or without create: the same keys */
	memset(&k2, 0, sizeof k2);
	assert_int_equal(crypto_keys_load(d->path, false, &k2, &ei), ERR_OK);
	assert_memory_equal(&k1, &k2, sizeof k1);
	memset(&k2, 0, sizeof k2);
	assert_int_equal(crypto_keys_load(d->path, true, &k2, &ei), ERR_OK);
	assert_memory_equal(&k1, &k2, sizeof k1);
	/* what one sealed the other opens */
	char *s = crypto_seal(&k1, "13812345678");
	char *o = crypto_open(&k2, s);
	assert_non_null(o);
	assert_string_equal(o, "13812345678");
	free(s);
	free(o);
}

/* A key file written by hand (upper-case hex, no newline) is read as is. */
static void test_keys_hand_written(void **state)
{
	struct keydir *d = *state;
	struct crypto_keys k1, k2;
	write_file(d->path, "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff");
	assert_int_equal(crypto_keys_load(d->path, false, &k1, NULL), ERR_OK);
	write_file(d->path, "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF\r\n");
	assert_int_equal(crypto_keys_load(d->path, true, &k2, NULL), ERR_OK);
	assert_memory_equal(&k1, &k2, sizeof k1);
}

/* A malformed file is refused, also when create is set (it is never overwritten). */
static void test_keys_malformed(void **state)
{
	struct keydir *d = *state;
	static const char *const bad[] = {
		"",
		"\n",
		"not a key",
		"0011223344556677889900112233445566778899001122334455667788990011" + 2, /* 62 */
		"00112233445566778899001122334455667788990011223344556677889900110",     /* 65 */
		"0011223344556677889900112233445566778899001122334455667788990011aa",    /* 66 */
		"00112233445566778899001122334455667788990011223344556677889900zz",
		"0011223344556677 8899001122334455667788990011223344556677889900",
		NULL,
	};
	for (const char *const *b = bad; *b; b++) {
		write_file(d->path, *b);
		struct crypto_keys k;
		struct errinfo ei;
		for (int create = 0; create <= 1; create++) {
			err_clear(&ei);
			enum err rc = crypto_keys_load(d->path, create, &k, &ei);
			if (rc != ERR_INVALID)
				fail_msg("key file \"%s\" (create %d) gave %d, want ERR_INVALID", *b, create, rc);
			assert_string_equal(ei.field, "key_file");
		}
		/* and left as it was */
		char text[128] = "";
		FILE *f = fopen(d->path, "r");
		assert_non_null(f);
		size_t n = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[n] = '\0';
		assert_string_equal(text, *b);
	}
}

/* A key file that cannot be made (no such directory) is ERR_UNAVAIL. */
static void test_keys_unwritable(void **state)
{
	struct keydir *d = *state;
	char path[160];
	snprintf(path, sizeof path, "%s/missing/dir/master.key", d->dir);
	struct crypto_keys k;
	struct errinfo ei;
	err_clear(&ei);
	assert_int_equal(crypto_keys_load(path, true, &k, &ei), ERR_UNAVAIL);
	assert_string_equal(ei.field, "key_file");
}

/* --- crypto_equal ------------------------------------------------------------------- */

static void test_equal(void **state)
{
	(void)state;
	assert_true(crypto_equal("", ""));
	assert_true(crypto_equal("abc", "abc"));
	assert_false(crypto_equal("abc", "abd"));
	assert_false(crypto_equal("abc", "ab"));
	assert_false(crypto_equal("ab", "abc"));
	assert_false(crypto_equal("", "a"));
	assert_false(crypto_equal("abc", "ABC"));
	char t1[CRYPTO_TOKEN_CHARS], t2[CRYPTO_TOKEN_CHARS];
	crypto_token(t1);
	memcpy(t2, t1, sizeof t2);
	assert_true(crypto_equal(t1, t2));
	t2[42] = t2[42] == 'A' ? 'B' : 'A';
	assert_false(crypto_equal(t1, t2));
}

int main(void)
{
#define K(f) cmocka_unit_test_setup_teardown(f, keydir_setup, keydir_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_round_trip),
		cmocka_unit_test(test_password_verify_garbage_hash),
		cmocka_unit_test(test_password_verify_dummy),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_hash_hex),
		cmocka_unit_test(test_lookup_hash),
		cmocka_unit_test(test_seal_open_round_trip),
		cmocka_unit_test(test_open_tampered),
		cmocka_unit_test(test_open_wrong_key),
		K(test_keys_create_and_reload),
		K(test_keys_hand_written),
		K(test_keys_malformed),
		K(test_keys_unwritable),
		cmocka_unit_test(test_equal),
	};
#undef K
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
