/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A strict JSON parser for tests of machine-readable output (RFC 8259:
 * objects, arrays, strings with every escape, numbers, true, false, null;
 * anything else, a trailing comma or text after the document is an error).
 * Values live in a caller's array of nodes: nothing to free.
 *
 *	struct xt_jnode nodes[512];
 *	struct xt_json j = { nodes, 512 };
 *	const struct xt_jnode *doc = xt_json_parse(&j, text, &end);
 *	xt_json_int(xt_json_get(doc, "free"), &v);
 */
#ifndef XT_JSON_H
#define XT_JSON_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum xt_jtype { XT_JNULL, XT_JBOOL, XT_JNUM, XT_JSTR, XT_JARR, XT_JOBJ };

/**
 * struct xt_jnode - one value
 * @type: its type (enum xt_jtype)
 * @key: member name if it is a member of an object (else NULL)
 * @str: XT_JSTR: the decoded string (NUL-terminated, in the parser's arena)
 * @num: XT_JNUM: the text of the number
 * @b: XT_JBOOL: the value
 * @child: XT_JARR, XT_JOBJ: first element or member
 * @next: next sibling
 * @n: XT_JARR, XT_JOBJ: number of elements or members
 */
struct xt_jnode {
	int type;		/* enum xt_jtype */
	const char *key;
	char *str;
	const char *num;
	bool b;
	struct xt_jnode *child, *next;
	size_t n;
};

struct xt_json {
	struct xt_jnode *nodes;
	size_t max;
	size_t used;
	char arena[16384];	/* decoded strings */
	size_t arena_used;
	const char *p;
	const char *err;	/* where it failed */
};

static inline void xt_json_ws(struct xt_json *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
	       *j->p == '\r')
		j->p++;
}

static inline struct xt_jnode *xt_json_node(struct xt_json *j,
					    enum xt_jtype t)
{
	struct xt_jnode *n;

	if (j->used == j->max)
		return NULL;
	n = &j->nodes[j->used++];
	memset(n, 0, sizeof(*n));
	n->type = t;
	return n;
}

static inline int xt_json_put(struct xt_json *j, char c)
{
	if (j->arena_used == sizeof(j->arena))
		return -1;
	j->arena[j->arena_used++] = c;
	return 0;
}

/* UTF-8 of code point @cp into the arena. */
static inline int xt_json_utf8(struct xt_json *j, unsigned long cp)
{
	if (cp < 0x80)
		return xt_json_put(j, cp);
	if (cp < 0x800)
		return xt_json_put(j, 0xc0 | cp >> 6) ||
			xt_json_put(j, 0x80 | (cp & 0x3f));
	if (cp < 0x10000)
		return xt_json_put(j, 0xe0 | cp >> 12) ||
			xt_json_put(j, 0x80 | (cp >> 6 & 0x3f)) ||
			xt_json_put(j, 0x80 | (cp & 0x3f));
	return xt_json_put(j, 0xf0 | cp >> 18) ||
		xt_json_put(j, 0x80 | (cp >> 12 & 0x3f)) ||
		xt_json_put(j, 0x80 | (cp >> 6 & 0x3f)) ||
		xt_json_put(j, 0x80 | (cp & 0x3f));
}

static inline int xt_json_hex4(const char *s, unsigned long *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' :
				(tolower((unsigned char)s[i]) - 'a' + 10));
	}
	return 0;
}

/* A string at j->p (at its '"'): decoded into the arena. */
static inline char *xt_json_string(struct xt_json *j)
{
	char *s = j->arena + j->arena_used;
	unsigned long cp, lo;
	const char *e;

	j->p++;
	while (*j->p != '"') {
		if ((unsigned char)*j->p < 0x20)
			return NULL;	/* also the end of the text */
		if (*j->p != '\\') {
			if (xt_json_put(j, *j->p++))
				return NULL;
			continue;
		}
		e = strchr("\"\\/bfnrt", j->p[1]);
		if (e && j->p[1]) {
			if (xt_json_put(j, "\"\\/\b\f\n\r\t"[e - "\"\\/bfnrt"]))
				return NULL;
			j->p += 2;
			continue;
		}
		if (j->p[1] != 'u' || xt_json_hex4(j->p + 2, &cp))
			return NULL;
		j->p += 6;
		if (cp >= 0xd800 && cp < 0xdc00) {	/* a surrogate pair */
			if (j->p[0] != '\\' || j->p[1] != 'u' ||
			    xt_json_hex4(j->p + 2, &lo) || lo < 0xdc00 ||
			    lo > 0xdfff)
				return NULL;
			j->p += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp < 0xe000) {
			return NULL;
		}
		if (!cp || xt_json_utf8(j, cp))
			return NULL;	/* no NUL inside our C strings */
	}
	j->p++;
	return xt_json_put(j, '\0') ? NULL : s;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static inline int xt_json_number(struct xt_json *j)
{
	const char *p = j->p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (isdigit((unsigned char)*p))
			p++;
	else
		return -1;
	if (*p == '.') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	j->p = p;
	return 0;
}

static inline struct xt_jnode *xt_json_value(struct xt_json *j, int depth);

/* The elements of an array or the members of an object, up to @close. */
static inline struct xt_jnode *xt_json_list(struct xt_json *j, int depth,
					    enum xt_jtype t, char close)
{
	struct xt_jnode *n = xt_json_node(j, t), **tail, *v;
	char *key = NULL;

	if (!n)
		return NULL;
	tail = &n->child;
	j->p++;
	xt_json_ws(j);
	if (*j->p == close) {
		j->p++;
		return n;
	}
	for (;;) {
		if (t == XT_JOBJ) {
			if (*j->p != '"')
				return NULL;
			key = xt_json_string(j);
			if (!key)
				return NULL;
			xt_json_ws(j);
			if (*j->p++ != ':')
				return NULL;
		}
		v = xt_json_value(j, depth + 1);
		if (!v)
			return NULL;
		v->key = key;
		*tail = v;
		tail = &v->next;
		n->n++;
		xt_json_ws(j);
		if (*j->p == close) {
			j->p++;
			return n;
		}
		if (*j->p++ != ',')
			return NULL;
		xt_json_ws(j);
	}
}

static inline struct xt_jnode *xt_json_value(struct xt_json *j, int depth)
{
	struct xt_jnode *n;
	const char *start;

	xt_json_ws(j);
	if (depth > 64)
		return NULL;
	switch (*j->p) {
	case '{':
		return xt_json_list(j, depth, XT_JOBJ, '}');
	case '[':
		return xt_json_list(j, depth, XT_JARR, ']');
	case '"':
		n = xt_json_node(j, XT_JSTR);
		if (n)
			n->str = xt_json_string(j);
		return n && n->str ? n : NULL;
	}
	if (!strncmp(j->p, "true", 4) || !strncmp(j->p, "false", 5)) {
		n = xt_json_node(j, XT_JBOOL);
		if (n)
			n->b = *j->p == 't';
		j->p += *j->p == 't' ? 4 : 5;
		return n;
	}
	if (!strncmp(j->p, "null", 4)) {
		j->p += 4;
		return xt_json_node(j, XT_JNULL);
	}
	start = j->p;
	if (xt_json_number(j))
		return NULL;
	n = xt_json_node(j, XT_JNUM);
	if (n)
		n->num = start;
	return n;
}

/*
 * Parse one document from @text; *@end (if not NULL) is set after it and
 * its trailing white space.  Without @end the whole text must be that one
 * document.  Returns the root, or NULL (j->err: where it failed).
 */
static inline const struct xt_jnode *xt_json_parse(struct xt_json *j,
						   const char *text,
						   const char **end)
{
	struct xt_jnode *root;

	j->used = 0;
	j->arena_used = 0;
	j->p = text;
	j->err = NULL;
	root = xt_json_value(j, 0);
	if (root)
		xt_json_ws(j);
	if (!root || (!end && *j->p)) {
		j->err = j->p;
		return NULL;
	}
	if (end)
		*end = j->p;
	return root;
}

/* Member @key of object @o, or NULL. */
static inline const struct xt_jnode *xt_json_get(const struct xt_jnode *o,
						 const char *key)
{
	const struct xt_jnode *c;

	if (!o || o->type != XT_JOBJ)
		return NULL;
	for (c = o->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

/* Element @i of array @a, or NULL. */
static inline const struct xt_jnode *xt_json_at(const struct xt_jnode *a,
						size_t i)
{
	const struct xt_jnode *c;

	if (!a || a->type != XT_JARR)
		return NULL;
	for (c = a->child; c && i; c = c->next)
		i--;
	return c;
}

/* The value of a non-negative integer member: 0, or -1 if it is none. */
static inline int xt_json_u64(const struct xt_jnode *n, uint64_t *v)
{
	char *end;

	if (!n || n->type != XT_JNUM || *n->num == '-')
		return -1;
	errno = 0;
	*v = strtoull(n->num, &end, 10);
	if (errno || (*end && !strchr(",}] \t\r\n", *end)))
		return -1;
	return 0;
}

/* Integer member @key of @o, or -1 when missing or not an integer. */
static inline long long xt_json_num(const struct xt_jnode *o, const char *key)
{
	uint64_t v;

	return xt_json_u64(xt_json_get(o, key), &v) ? -1 : (long long)v;
}

/* String member @key of @o, or NULL. */
static inline const char *xt_json_str(const struct xt_jnode *o,
				      const char *key)
{
	const struct xt_jnode *n = xt_json_get(o, key);

	return n && n->type == XT_JSTR ? n->str : NULL;
}

#endif /* XT_JSON_H */
