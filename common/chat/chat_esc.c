#include <stdlib.h>
#include <string.h>

#include "chat_esc.h"
#include "fk/fk_vec.h"

struct buf {
	struct chat_text *t;
	size_t cap, opcap;
	int oom;
};

FK_VEC_PUSH_FN(op_push, struct chat_op_at)

static void
put(struct buf *b, unsigned char c)
{
	/* room for c and the NUL after it */
	unsigned char *s = fk_vec_grow(b->t->s, &b->cap, b->t->len + 1, 1, 16);

	if (s == NULL) {
		b->oom = 1;
		return;
	}
	b->t->s = s;
	b->t->s[b->t->len++] = c;
	b->t->s[b->t->len] = '\0';
}

static void
put_str(struct buf *b, const char *s)
{
	while (*s)
		put(b, (unsigned char)*s++);
}

static void
put_op(struct buf *b, enum chat_op op)
{
	struct chat_op_at *o = op_push(&b->t->ops, &b->t->nops, &b->opcap, 4);

	if (o == NULL)
		b->oom = 1;
	else
		*o = (struct chat_op_at){ b->t->len, op };
}

static int
is_name(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_octal(char c)
{
	return c >= '0' && c <= '7';
}

/* $NAME, with chat(8)'s rule that an unset variable leaves nothing. */
static const char *
env_value(const struct chat_env *env, const char *name, size_t n)
{
	char tmp[256];

	if (n >= sizeof(tmp))
		return NULL;
	memcpy(tmp, name, n);
	tmp[n] = '\0';
	return env->getenv ? env->getenv(tmp) : getenv(tmp);
}

/* The character after a backslash; s points past it.  Returns the new s. */
static const char *
escape(struct buf *b, const char *s, char c, int sending, const struct chat_env *env)
{
	switch (c) {
	case 'b': put(b, '\b'); break;
	case 'r': put(b, '\r'); break;
	case 'n': put(b, '\n'); break;
	case 's': put(b, ' '); break;
	case 't': put(b, '\t'); break;
	case 'q': b->t->secret = 1; break;
	case 'c':
		if (sending && *s == '\0')
			b->t->cr = 0;
		else
			put(b, 'c');
		break;
	case 'd':
	case 'p':
	case 'K':
	case '\\':
		if (sending == CHAT_SAY_FORM)
			put(b, '\\');
		if (sending && c != '\\' && sending != CHAT_SAY_FORM)
			put_op(b, c == 'd' ? CHAT_OP_DELAY : c == 'p' ? CHAT_OP_PAUSE : CHAT_OP_BREAK);
		else
			put(b, (unsigned char)c);
		break;
	case 'N': put(b, sending ? '\0' : 'N'); break;
	case 'T':
	case 'U': {
		const char *ph = c == 'T' ? env->phone : env->phone2;
		/* chat(8) leaves "\\T" in the string, and its writer then sends the T alone. */
		if (sending && ph)
			put_str(b, ph);
		else if (sending && sending != CHAT_SAY_FORM)
			put(b, (unsigned char)c);
		else {
			put(b, '\\');
			put(b, (unsigned char)c);
		}
		break;
	}
	default:
		if (is_octal(c)) {
			unsigned v = (unsigned)(c - '0');
			for (int i = 0; i < 2 && is_octal(*s); i++)
				v = v * 8 + (unsigned)(*s++ - '0');
			v &= 0xff;
			/* An expect string cannot hold a NUL; a send string can. */
			if (v != 0 || sending)
				put(b, (unsigned char)v);
		} else
			put(b, (unsigned char)c);
	}
	return s;
}

int
chat_clean(const char *raw, int sending, const struct chat_env *env,
    struct chat_text *out)
{
	struct buf b = { .t = out };
	const char *s = raw;

	memset(out, 0, sizeof(*out));
	out->cr = sending;
	put(&b, 'x');		/* allocate, so s is never NULL */
	out->len = 0;
	out->s[0] = '\0';
	while (*s && !b.oom) {
		char c = *s++;

		if (c == '^') {
			if ((c = *s++) == '\0') {
				put(&b, '^');
				break;
			}
			if ((c &= 0x1f) != 0)
				put(&b, (unsigned char)c);
			continue;
		}
		if (env->use_env && c == '$') {
			const char *name = s, *v;
			while (is_name(*s))
				s++;
			if ((v = env_value(env, name, (size_t)(s - name))) != NULL)
				put_str(&b, v);
			continue;
		}
		if (c != '\\') {
			put(&b, (unsigned char)c);
			continue;
		}
		if ((c = *s++) == '\0') {
			/* A lone trailing backslash is sent, and dropped from an expect. */
			if (sending)
				put(&b, '\\');
			break;
		}
		if (c == '$' && env->use_env) {
			put(&b, '$');
			continue;
		}
		s = escape(&b, s, c, sending, env);
	}
	if (out->cr)
		put(&b, '\r');
	if (b.oom) {
		chat_text_free(out);
		return -1;
	}
	return 0;
}

void
chat_text_free(struct chat_text *t)
{
	free(t->s);
	free(t->ops);
	memset(t, 0, sizeof(*t));
}

size_t
chat_split_sub(char *word, char **parts, size_t max)
{
	char *p = word;
	size_t k = 0;

	while (*p && k < max) {
		parts[k++] = p;
		while (*p) {
			if (*p == '\\') {
				if (*++p)
					p++;
				continue;
			}
			if (*p == '-') {
				*p++ = '\0';
				break;
			}
			p++;
		}
	}
	return k;
}

char *
chat_visible(const unsigned char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	if (outlen == 0)
		return out;
	for (size_t i = 0; i < n; i++) {
		char tmp[5];
		size_t k = 0;
		unsigned c = s[i];

		if (c & 0x80) {
			tmp[k++] = 'M';
			tmp[k++] = '-';
			c &= 0x7f;
		}
		if (c < 32 || c == 127) {
			tmp[k++] = '^';
			tmp[k++] = c == 127 ? '?' : (char)(c + '@');
		} else
			tmp[k++] = (char)c;
		if (o + k >= outlen)
			break;
		memcpy(out + o, tmp, k);
		o += k;
	}
	out[o] = '\0';
	return out;
}
