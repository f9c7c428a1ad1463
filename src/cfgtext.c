/* Second reads of the configuration file's text, for what libconfig 1.5
 * loses or gets wrong (see cfgtext.h for the versions). */
#include "cfgtext.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cfgtext_source_path(const char *main_path, const char *include_dir, const char *source,
			 char *out, size_t out_len)
{
	int n;

	if (!source)
		n = snprintf(out, out_len, "%s", main_path);
	else if (source[0] == '/')
		n = snprintf(out, out_len, "%s", source);
	else
		n = snprintf(out, out_len, "%s/%s", include_dir, source);
	if (n < 0 || (size_t)n >= out_len)
		snprintf(out, out_len, "%s", source ? source : main_path);
}

/* ---- integers wider than 32 bits ---- */

static bool is_name_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '*';
}

/* Finds "name = <number>" in a source line and copies the number. */
static bool literal_after_name(const char *line, const char *name, char *out, size_t out_len)
{
	size_t name_len = strlen(name);

	for (const char *p = strstr(line, name); p; p = strstr(p + 1, name)) {
		const char *q = p + name_len;

		if ((p > line && is_name_char(p[-1])) || is_name_char(*q))
			continue;
		q += strspn(q, " \t");
		if (*q != '=' && *q != ':')
			continue;
		q++;
		q += strspn(q, " \t");
		size_t len = strspn(q, "+-0123456789abcdefABCDEFxX");
		if (len == 0 || len >= out_len)
			return false;
		memcpy(out, q, len);
		out[len] = '\0';
		return true;
	}
	return false;
}

/* The number as written on line `want` of `file`, if that line sets `name`. */
static bool literal_on_line(const char *file, unsigned want, const char *name, char *text, size_t text_len)
{
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	struct stat st;
	FILE *fp = fopen(file, "re");

	if (!fp)
		return false;
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(fp);
		return false;
	}
	for (unsigned n = 1; getline(&line, &cap, fp) >= 0; n++) {
		if (n == want) {
			found = literal_after_name(line, name, text, text_len);
			break;
		}
	}
	if (line)
		explicit_bzero(line, cap);
	free(line);
	fclose(fp);
	return found;
}

bool cfgtext_integer_wrapped(const char *file, unsigned line, const char *name, int parsed,
			     char *text, size_t text_len)
{
	if (!literal_on_line(file, line, name, text, text_len))
		return false;

	const char *digits = text + (text[0] == '-' || text[0] == '+');
	bool hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	char *end;
	long long value;

	errno = 0;
	if (hex)
		value = (long long)strtoull(digits, &end, 16);
	else
		value = strtoll(text, &end, 10);
	if (*end != '\0')
		return false;
	if (errno == ERANGE)
		return true;
	if (hex && text[0] == '-')
		return false; /* libconfig does not write negative hex */
	return (value < INT32_MIN || value > INT32_MAX) &&
	       (uint32_t)(unsigned long long)value == (uint32_t)parsed;
}

/* ---- @include of something that is not a file ---- */

/* The file name of an @include as libconfig 1.5 opens it: the bytes up to
 * the next quote, no escapes, and ending at the first NUL byte, as a C
 * string does (so "\0anything" names include_dir itself). */
static bool include_name(const char *p, const char *end, char *out, size_t out_len)
{
	const char *quote = memchr(p, '"', (size_t)(end - p));
	size_t n;

	if (!quote)
		return false;
	n = strnlen(p, (size_t)(quote - p));
	if (n >= out_len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* The whole file, not line by line: the scanner lets an @include's string
 * run on across newlines up to the next quote. NULL when unreadable. */
static char *whole_file(const char *path, size_t *len)
{
	char *text = NULL, chunk[4096];
	size_t got;
	FILE *fp = fopen(path, "re"), *mem;

	*len = 0;
	if (!fp)
		return NULL;
	mem = open_memstream(&text, len);
	if (!mem) {
		fclose(fp);
		return NULL;
	}
	while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0)
		fwrite(chunk, 1, got, mem);
	explicit_bzero(chunk, sizeof chunk);
	fclose(fp);
	if (fclose(mem) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The name of the @include directive starting at `p`, if it is one. */
static bool include_directive(const char *p, const char *end, char *name, size_t name_len)
{
	p += strspn(p, " \t");
	if ((size_t)(end - p) < 9 || strncmp(p, "@include", 8) != 0)
		return false;
	p += 8;
	if (*p != ' ' && *p != '\t')
		return false;
	p += strspn(p, " \t");
	return p < end && *p++ == '"' && include_name(p, end, name, name_len);
}

static int check_includes(const char *path, const char *shown, const char *include_dir,
			  cfgtext_bad_include_fn bad, void *ctx, int depth)
{
	size_t len;
	char *text;
	unsigned n = 1;
	int reported = 0;

	if (depth > 10) /* libconfig's own nesting limit reports the rest */
		return 0;
	text = whole_file(path, &len);
	if (!text)
		return 0;
	for (const char *line = text, *end = text + len; line < end; n++) {
		const char *eol = memchr(line, '\n', (size_t)(end - line)), *start = line;
		char name[PATH_MAX], target[PATH_MAX * 2];
		struct stat st;

		line = eol ? eol + 1 : end;
		if (!include_directive(start, end, name, sizeof name))
			continue;
		snprintf(target, sizeof target, "%s/%s", include_dir, name);
		if (stat(target, &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode)) {
			bad(ctx, shown, n, name, target);
			reported++;
			continue;
		}
		reported += check_includes(target, target, include_dir, bad, ctx, depth + 1);
	}
	explicit_bzero(text, len);
	free(text);
	return reported;
}

int cfgtext_check_includes(const char *path, const char *shown, const char *include_dir,
			   cfgtext_bad_include_fn bad, void *ctx)
{
	return check_includes(path, shown, include_dir, bad, ctx, 0);
}
