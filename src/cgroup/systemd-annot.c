// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * org.systemd.property.<Name> annotations -> unit properties (systemd.h
 * lists the GVariant text forms understood).  Engines use these to set
 * what the OCI config has no field for (podman: KillSignal "15",
 * TimeoutStopUSec "uint64 10000000"; CRI-O: After "['crio.service']").
 *
 * The value's text is parsed strictly: what husk does not understand is an
 * error naming the annotation, never a guess, because systemd would take a
 * wrongly typed value as a different property value or refuse the whole
 * unit with a message that does not say which annotation was wrong.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/systemd.h"
#include "husk/util.h"

#define PREFIX "org.systemd.property."

/* A property name as systemd spells them: [A-Z][A-Za-z0-9]*. */
static bool valid_name(const char *n)
{
	if (!(*n >= 'A' && *n <= 'Z') || strlen(n) > 64)
		return false;
	for (; *n; n++)
		if (!((*n >= 'A' && *n <= 'Z') || (*n >= 'a' && *n <= 'z') || (*n >= '0' && *n <= '9')))
			return false;
	return true;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Valid UTF-8 (D-Bus refuses anything else and drops the connection). */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			: (*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0 || (n == 1 && *p < 0xc2))
			return false;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/*
 * A quoted string at *s ('...' or "..."), with the escapes \\ \' \" \n \t
 * \r; *s is left past the closing quote.  NULL when malformed.
 */
static char *parse_quoted(const char **s)
{
	char q = **s;
	const char *p = *s + 1;
	char *out = malloc(strlen(p) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *p && *p != q; p++) {
		if (*p == '\\') {
			p++;
			switch (*p) {
			case '\\': case '\'': case '"': *o++ = *p; break;
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			default: free(out); return NULL;
			}
		} else {
			*o++ = *p;
		}
	}
	if (*p != q) {
		free(out);
		return NULL;
	}
	*o = '\0';
	*s = p + 1;
	return out;
}

/* ['a', "b"] -> p as "as".  0, -EINVAL or -ENOMEM. */
static int parse_strv(const char *s, struct sd_prop *p)
{
	size_t n = 0;
	char **v = calloc(strlen(s) + 1, sizeof(char *));   /* more than enough slots */
	if (!v)
		return -ENOMEM;
	s = skip_ws(s + 1);
	while (*s != ']') {
		if (n && *s++ != ',')
			goto bad;
		s = skip_ws(s);
		if (*s != '\'' && *s != '"')
			goto bad;
		if (!(v[n] = parse_quoted(&s)) || !utf8_ok(v[n++]))
			goto bad;
		s = skip_ws(s);
	}
	if (n == 0 || *skip_ws(s + 1))   /* [] has no type in GVariant text */
		goto bad;
	strcpy(p->type, "as");
	p->v.as = v;
	return 0;
bad:
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
	return -EINVAL;
}

static const struct {
	const char *word;
	char type;
	double min, max;
} numeric[] = {
	{ "byte", 'y', 0, 255 },
	{ "int16", 'n', -32768, 32767 },
	{ "uint16", 'q', 0, 65535 },
	{ "int32", 'i', -2147483648.0, 2147483647 },
	{ "uint32", 'u', 0, 4294967295.0 },
	{ "int64", 'x', -9223372036854775808.0, 9223372036854775807.0 },
	{ "uint64", 't', 0, 18446744073709551615.0 },
	{ "double", 'd', -__builtin_inf(), __builtin_inf() },
};

/*
 * A number of GVariant type `type` (0: a bare number, int32 unless it has
 * a '.' or an exponent).  Integers are exact (strtoll/strtoull, 0x and
 * leading-0 octal as GVariant reads them).
 */
static int parse_number(const char *s, char type, double min, double max, struct sd_prop *p)
{
	char *end;
	s = skip_ws(s);
	bool real = strpbrk(s, ".eE") && strncmp(s, "0x", 2) && strncmp(s, "-0x", 3);
	if (type == 0)
		type = real ? 'd' : 'i';
	if (!*s || (real && type != 'd'))
		return -EINVAL;
	errno = 0;
	p->type[0] = type;
	p->type[1] = '\0';
	if (type == 'd') {
		p->v.d = strtod(s, &end);
	} else if (type == 't' || type == 'u' || type == 'q' || type == 'y') {
		if (*s == '-')
			return -EINVAL;
		p->v.u = strtoull(s, &end, 0);
		if ((double)p->v.u > max)
			return -EINVAL;
	} else {
		p->v.i = strtoll(s, &end, 0);
		if ((double)p->v.i < min || (double)p->v.i > max)
			return -EINVAL;
	}
	if (end == s || errno || *skip_ws(end))
		return -EINVAL;
	return 0;
}

/* The value text -> p's type and value.  0, -EINVAL or -ENOMEM. */
static int parse_value(const char *text, struct sd_prop *p)
{
	const char *s = skip_ws(text);
	if (str_eq(s, "true") || str_eq(s, "false")) {
		strcpy(p->type, "b");
		p->v.b = s[0] == 't';
		return 0;
	}
	if (*s == '\'' || *s == '"') {
		char *v = parse_quoted(&s);
		if (!v)
			return -EINVAL;
		if (*skip_ws(s) || !utf8_ok(v)) {
			free(v);
			return -EINVAL;
		}
		strcpy(p->type, "s");
		p->v.s = v;
		return 0;
	}
	if (*s == '[')
		return parse_strv(s, p);
	for (size_t i = 0; i < ARRAY_SIZE(numeric); i++) {
		size_t n = strlen(numeric[i].word);
		if (strncmp(s, numeric[i].word, n) == 0 && (s[n] == ' ' || s[n] == '\t'))
			return parse_number(s + n, numeric[i].type, numeric[i].min, numeric[i].max, p);
	}
	return parse_number(s, 0, -2147483648.0, 2147483647, p);
}

/*
 * <Name>Sec (a lower-case letter before "Sec") holding a number of
 * seconds -> <Name>USec in microseconds (uint64), as runc does, so an
 * annotation can say TimeoutStopSec=10.
 */
static int sec_to_usec(struct sd_prop *p)
{
	size_t n = strlen(p->name);
	if (n < 4 || strcmp(p->name + n - 3, "Sec") != 0 ||
	    !(p->name[n - 4] >= 'a' && p->name[n - 4] <= 'z'))
		return 0;
	double sec;
	switch (p->type[0]) {
	case 'd': sec = p->v.d; break;
	case 't': case 'u': case 'q': case 'y': sec = (double)p->v.u; break;
	case 'x': case 'i': case 'n': sec = (double)p->v.i; break;
	default: return -EINVAL;
	}
	if (!(sec >= 0) || sec * 1e6 >= 18446744073709551615.0)
		return -EINVAL;
	char *name = malloc(n + 2);
	if (!name)
		return -ENOMEM;
	memcpy(name, p->name, n - 3);
	strcpy(name + n - 3, "USec");
	free(p->name);
	p->name = name;
	if (p->type[0] == 't' && p->v.u <= UINT64_MAX / 1000000)
		p->v.u *= 1000000;      /* exact for integers */
	else if (strchr("uqy", p->type[0]))
		p->v.u *= 1000000;      /* at most 2^32 * 10^6: fits */
	else if (strchr("xin", p->type[0]))
		p->v.u = (uint64_t)p->v.i * 1000000;
	else
		p->v.u = (uint64_t)(sec * 1e6 + 0.5);  /* no libm */
	strcpy(p->type, "t");
	return 0;
}

int sd_props_from_annotations(const struct husk_kv *a, size_t n, struct sd_props *ps,
			      struct husk_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (strncmp(a[i].key, PREFIX, strlen(PREFIX)) != 0)
			continue;
		const char *name = a[i].key + strlen(PREFIX);
		if (!valid_name(name))
			return husk_error_set(err, EINVAL, ".annotations[\"%s\"]: \"%s\" is not a "
					      "systemd property name", a[i].key, name);
		if (str_eq(name, "PIDs"))
			return husk_error_set(err, EPERM, ".annotations[\"%s\"]: husk puts the "
					      "container's own process in its scope, no other",
					      a[i].key);
		struct sd_prop p = { .name = strdup(name) };
		if (!p.name)
			return husk_error_set(err, ENOMEM, ".annotations");
		int r = parse_value(a[i].value, &p);
		if (r == 0)
			r = sec_to_usec(&p);
		if (r < 0)
			sd_prop_clear(&p);
		if (r == -EINVAL)
			return husk_error_set(err, EINVAL, ".annotations[\"%s\"]: \"%s\" is not a "
					      "value husk can send (GVariant text: true, 'text', "
					      "['a','b'], uint64 N, int64 N, uint32 N, int32 N, double X; "
					      "a *Sec property takes a number of seconds)",
					      a[i].key, a[i].value);
		if (r < 0 || sd_prop_add(ps, &p) < 0)
			return husk_error_set(err, ENOMEM, ".annotations");
	}
	return 0;
}
