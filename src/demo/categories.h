/* The demo's request categories (data/categories/demo.csv, built into the
 * binary) and a few dispatch rules for the demo district 110105. */
#ifndef LINLI_DEMO_CATEGORIES_H
#define LINLI_DEMO_CATEGORIES_H

struct app;

/* init --demo: imports the taxonomy when the database has no category,
 * and the rules when it has no dispatch rule (after the demo registers:
 * the rules name their streets and departments). 0 or 1. */
int demo_categories_load(struct app *app);

#endif
