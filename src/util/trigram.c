#include "util/trigram.h"

#include <stdbool.h>
#include <stdint.h>

/* Code points of s, skipping spaces and ASCII punctuation; at most max. */
static int code_points(const char *s, size_t len, uint32_t *out, int max)
{
	int n = 0;
	for (size_t i = 0; i < len && n < max;) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t k;
		if (c < 0x80) {
			cp = c;
			k = 1;
		} else if ((c & 0xE0) == 0xC0) {
			cp = c & 0x1F;
			k = 2;
		} else if ((c & 0xF0) == 0xE0) {
			cp = c & 0x0F;
			k = 3;
		} else {
			cp = c & 0x07;
			k = 4;
		}
		if (i + k > len)
			break;
		for (size_t j = 1; j < k; j++)
			cp = (cp << 6) | ((unsigned char)s[i + j] & 0x3F);
		i += k;
		bool skip = cp < 0x80 && !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		                           (cp >= 'A' && cp <= 'Z'));
		if (!skip)
			out[n++] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	}
	return n;
}

#define SLOTS 8192 /* a power of two, twice TRIGRAM_TEXT_MAX: at most half full */

static uint64_t key(const uint32_t *p)
{
	return ((uint64_t)p[0] << 42 | (uint64_t)p[1] << 21 | p[2]) + 1; /* 0 marks a free slot */
}

static size_t slot_of(uint64_t k, size_t mask)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)(k & mask);
}

double trigram_similarity(const char *query, size_t qlen, const char *text, size_t tlen)
{
	uint32_t q[256], t[TRIGRAM_TEXT_MAX];
	static _Thread_local uint64_t set[SLOTS];
	int nq = code_points(query, qlen, q, 256);
	int nt = code_points(text, tlen, t, TRIGRAM_TEXT_MAX);
	if (nq < 3 || nt < 3)
		return 0;
	/* a table twice the text's size: clearing all of it for each of a
	 * hundred short candidates would cost more than the comparing */
	size_t mask = 63;
	while (mask + 1 < (size_t)nt * 2)
		mask = mask * 2 + 1;
	for (size_t i = 0; i <= mask; i++)
		set[i] = 0;
	for (int i = 0; i + 2 < nt; i++) {
		uint64_t k = key(t + i);
		size_t s = slot_of(k, mask);
		while (set[s] != 0 && set[s] != k)
			s = (s + 1) & mask;
		set[s] = k;
	}
	/* the query's distinct trigrams, and how many of them the text has */
	int distinct = 0, found = 0;
	for (int i = 0; i + 2 < nq; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = q[j] == q[i] && q[j + 1] == q[i + 1] && q[j + 2] == q[i + 2];
		if (seen)
			continue;
		distinct++;
		uint64_t k = key(q + i);
		size_t s = slot_of(k, mask);
		while (set[s] != 0 && set[s] != k)
			s = (s + 1) & mask;
		found += set[s] == k;
	}
	return distinct ? (double)found / distinct : 0;
}
