/* Growing arrays: the one growth rule, and lists of heap strings kept as a pointer array and a count. */
#ifndef FK_VEC_H
#define FK_VEC_H

#include <stddef.h>
#include <string.h>

/*
 * Room for one more element after n in array p of *cap elements of size
 * bytes: p itself while it has room, else p moved to twice the room (first
 * elements at the start).  NULL when out of memory (p and *cap unchanged).
 */
void *fk_vec_grow(void *p, size_t *cap, size_t n, size_t size, size_t first);

/*
 * FK_VEC_PUSH_FN(name, T) defines
 *	static T *name(T **a, size_t *n, size_t *cap, size_t first);
 * which appends one zeroed element to the array *a of *n elements (room
 * *cap) by the rule above and returns it; NULL when out of memory, nothing
 * changed.  A typed function per element type, because writing a T * through
 * a void ** is not allowed.
 */
#define FK_VEC_PUSH_FN(name, T)						\
static T *								\
name(T **a, size_t *n, size_t *cap, size_t first)			\
{									\
	T *p = fk_vec_grow(*a, cap, *n, sizeof(T), first);		\
									\
	if (p == NULL)							\
		return NULL;						\
	*a = p;								\
	p += (*n)++;							\
	memset(p, 0, sizeof(T));					\
	return p;							\
}

/*
 * Append a copy of the len bytes at s, NUL added, to the *n strings at *v.
 * The room is implied by the count (a power of two), so lists need no
 * capacity field.  0, or -1 out of memory (the list unchanged).
 */
int fk_strs_add(char ***v, size_t *n, const char *s, size_t len);

/* Free each string and the array; *v NULL and *n 0 after. */
void fk_strs_free(char ***v, size_t *n);

#endif
