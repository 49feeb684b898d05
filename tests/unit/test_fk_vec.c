#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "fk/fk_vec.h"

static void
test_strs(void)
{
	char **v = NULL;
	size_t n = 0;
	char name[16];

	/* Past several doublings, each string intact: the implied room never falls short. */
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		CHECK_INT(fk_strs_add(&v, &n, name, strlen(name)), 0);
	}
	CHECK_INT(n, 100);
	CHECK_STR(v[0], "s0");
	CHECK_STR(v[63], "s63");
	CHECK_STR(v[64], "s64");
	CHECK_STR(v[99], "s99");
	/* Exactly len bytes, terminated, whatever follows in the source. */
	CHECK_INT(fk_strs_add(&v, &n, "abcdef", 3), 0);
	CHECK_STR(v[100], "abc");
	CHECK_INT(fk_strs_add(&v, &n, "", 0), 0);
	CHECK_STR(v[101], "");
	fk_strs_free(&v, &n);
	CHECK(v == NULL);
	CHECK_INT(n, 0);
	/* A list emptied and used again. */
	CHECK_INT(fk_strs_add(&v, &n, "x", 1), 0);
	CHECK_STR(v[0], "x");
	fk_strs_free(&v, &n);
	fk_strs_free(&v, &n);
	CHECK(v == NULL);
}

static void
test_grow(void)
{
	int *a = NULL, *p;
	size_t cap = 0, n;

	for (n = 0; n < 40; n++) {
		CHECK((p = fk_vec_grow(a, &cap, n, sizeof(*a), 4)) != NULL);
		if (p == NULL)
			break;
		a = p;
		a[n] = (int)n * 3;
	}
	CHECK_INT(cap, 64);	/* 4, 8, 16, 32, 64 */
	CHECK_INT(a[0], 0);
	CHECK_INT(a[39], 117);
	/* Room left: the same array back. */
	CHECK(fk_vec_grow(a, &cap, 40, sizeof(*a), 4) == a);
	CHECK_INT(cap, 64);
	/* A size that cannot be counted in bytes: NULL, the array and its room unchanged. */
	CHECK(fk_vec_grow(a, &cap, 64, SIZE_MAX / 64, 4) == NULL);
	CHECK_INT(cap, 64);
	CHECK_INT(a[39], 117);
	free(a);
}

struct pair { int a; char b[8]; };
FK_VEC_PUSH_FN(pair_push, struct pair)

static void
test_push(void)
{
	struct pair *v = NULL, *p;
	size_t n = 0, cap = 0;

	/* Each element zeroed, even where the grown array's old bytes were not. */
	for (int i = 0; i < 20; i++) {
		CHECK((p = pair_push(&v, &n, &cap, 2)) != NULL);
		if (p == NULL)
			return;
		CHECK(p == &v[i]);
		CHECK_INT(p->a, 0);
		CHECK_INT(p->b[7], 0);
		p->a = i + 1;
		memset(p->b, 'x', sizeof(p->b));
	}
	CHECK_INT(n, 20);
	CHECK_INT(cap, 32);	/* 2, 4, 8, 16, 32 */
	CHECK_INT(v[0].a, 1);
	CHECK_INT(v[19].a, 20);
	/* A slot used before and given back is zeroed again. */
	n--;
	CHECK((p = pair_push(&v, &n, &cap, 2)) == &v[19]);
	CHECK_INT(v[19].a, 0);
	CHECK_INT(v[19].b[0], 0);
	free(v);
}

int
main(void)
{
	test_strs();
	test_grow();
	test_push();
	return check_done();
}
