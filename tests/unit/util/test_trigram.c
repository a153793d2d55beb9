/* Unit tests for src/util/trigram.c, the similarity that finds possible
 * duplicates at intake on SQLite (registered there as word_similarity). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/trigram.h"

static double sim(const char *q, const char *t)
{
	return trigram_similarity(q, strlen(q), t, strlen(t));
}

static void test_same_and_contained(void **state)
{
	(void)state;
	assert_true(sim("小区门口垃圾堆放", "小区门口垃圾堆放") == 1.0);
	/* the query inside a longer text: every trigram found */
	assert_true(sim("垃圾堆放", "居民反映小区门口垃圾堆放多日无人清理") == 1.0);
	/* not symmetric: the long text's trigrams are mostly not in the short one */
	assert_true(sim("居民反映小区门口垃圾堆放多日无人清理", "垃圾堆放") < 0.2);
}

static void test_unrelated_and_partial(void **state)
{
	(void)state;
	assert_true(sim("楼道电动车飞线充电", "下水管道堵塞返水") == 0.0);
	/* half the query's trigrams: 楼道堆物 shares 楼道堆 … */
	double s = sim("三号楼楼道堆物占用消防通道", "三号楼楼道堆放杂物");
	assert_true(s > 0.2 && s < 0.6);
}

/* Spaces and ASCII punctuation are not part of trigrams; letters fold case. */
static void test_ignores_spaces_and_punctuation(void **state)
{
	(void)state;
	assert_true(sim("垃 圾,堆放", "垃圾堆放") == 1.0);
	assert_true(sim("ABC", "xabcx") == 1.0);
}

/* Fewer than three characters: no trigram, no similarity (never a division by 0). */
static void test_short(void **state)
{
	(void)state;
	assert_true(sim("垃圾", "垃圾") == 0.0);
	assert_true(sim("", "") == 0.0);
	assert_true(sim("垃圾堆放", "") == 0.0);
}

/* A repeated trigram in the query counts once; a text longer than the
 * table is cut, not overrun (ASan would see it). */
static void test_repeats_and_long_text(void **state)
{
	(void)state;
	assert_true(sim("哈哈哈哈哈哈", "哈哈哈") == 1.0);
	size_t n = (TRIGRAM_TEXT_MAX + 100) * 3;
	char *t = malloc(n + 1);
	assert_non_null(t);
	for (size_t i = 0; i < n; i += 3)
		memcpy(t + i, i / 3 % 2 ? "水" : "山", 3);
	t[n] = '\0';
	assert_true(sim("山水山", t) == 1.0);
	/* a cut UTF-8 sequence at the end is not read past */
	assert_true(trigram_similarity("山水山", 9, t, n - 1) == 1.0);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_and_contained),
		cmocka_unit_test(test_unrelated_and_partial),
		cmocka_unit_test(test_ignores_spaces_and_punctuation),
		cmocka_unit_test(test_short),
		cmocka_unit_test(test_repeats_and_long_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
