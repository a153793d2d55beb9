/* Unit tests for src/util/xml.c: escaping of every special character,
 * dropped control characters, nesting and closing, empty elements, and
 * the refusals (bad names, too deep, a close without an open). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/xml.h"

static void test_escaping(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	struct xml x;
	xml_begin(&x, &sb);
	xml_open(&x, "errors");
	xml_open(&x, "error");
	xml_element(&x, "code", "400");
	xml_element(&x, "description", "a<b & \"c\" > 'd'\x01\x1f\ttab\n路灯");
	xml_close(&x);
	assert_true(xml_end(&x));
	assert_string_equal(sb.buf,
	                    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	                    "<errors><error><code>400</code><description>a&lt;b &amp; &quot;c&quot; "
	                    "&gt; &apos;d&apos;\ttab\n路灯</description></error></errors>\n");
	strbuf_free(&sb);
}

static void test_empty_and_null(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	struct xml x;
	xml_begin(&x, &sb);
	xml_open(&x, "request");
	xml_element(&x, "status_notes", NULL);
	xml_element(&x, "description", "");
	assert_true(xml_end(&x)); /* closes request itself */
	assert_non_null(strstr(sb.buf, "<request><status_notes/><description></description></request>"));
	strbuf_free(&sb);
}

static void test_refusals(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 4096);
	struct xml x;
	xml_begin(&x, &sb);
	xml_open(&x, "a b"); /* not a name */
	assert_false(xml_end(&x));
	strbuf_reset(&sb);

	xml_begin(&x, &sb);
	xml_element(&x, "1st", "x");
	assert_false(xml_end(&x));
	strbuf_reset(&sb);

	xml_begin(&x, &sb);
	xml_close(&x); /* nothing open */
	assert_false(xml_end(&x));
	strbuf_reset(&sb);

	xml_begin(&x, &sb);
	for (int i = 0; i <= XML_DEPTH_MAX; i++)
		xml_open(&x, "d");
	assert_false(xml_end(&x));
	strbuf_free(&sb);

	assert_true(xml_name_ok("service_request_id"));
	assert_true(xml_name_ok("_a.b-c9"));
	assert_false(xml_name_ok(""));
	assert_false(xml_name_ok(NULL));
	assert_false(xml_name_ok("a<b"));
}

/* Past the buffer's maximum the writer reports failure, never a cut document. */
static void test_overflow(void **state)
{
	(void)state;
	struct strbuf sb;
	strbuf_init(&sb, 64);
	struct xml x;
	xml_begin(&x, &sb);
	xml_open(&x, "services");
	for (int i = 0; i < 10; i++)
		xml_element(&x, "service", "some text that will not fit");
	assert_false(xml_end(&x));
	strbuf_free(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
