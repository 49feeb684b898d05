#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fk_vec.h"

void *
fk_vec_grow(void *p, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;

	if (n < *cap)
		return p;
	c = *cap ? 2 * *cap : first;
	if (c <= n || c > SIZE_MAX / size)
		return NULL;
	if ((p = realloc(p, c * size)) != NULL)
		*cap = c;
	return p;
}

int
fk_strs_add(char ***v, size_t *n, const char *s, size_t len)
{
	char *c;

	/* Full when the count is 0 or a power of two: the room is the next one up. */
	if ((*n & (*n - 1)) == 0) {
		char **w;
		if (*n > SIZE_MAX / 2 / sizeof(*w) ||
		    (w = realloc(*v, (*n ? 2 * *n : 1) * sizeof(*w))) == NULL)
			return -1;
		*v = w;
	}
	if ((c = malloc(len + 1)) == NULL)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	(*v)[(*n)++] = c;
	return 0;
}

void
fk_strs_free(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}
