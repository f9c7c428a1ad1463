/* Workarounds for libconfig 1.5 (Debian 12's libconfig9 1.5-0.4, and any
 * 1.5.x), which cfg.c cannot get from the parsed tree: they read the
 * configuration file's text again. Kept apart so that the day the project
 * requires libconfig >= 1.7 (64-bit integers kept, include_dir applied to
 * relative names only, its scanner no longer exit(2)ing on a directory) this
 * module and its callers can simply go.
 *
 * Every buffer that held file text is wiped before it is freed: a line may
 * hold mysql.password. */
#ifndef CLUSTERCHECKD_CFGTEXT_H
#define CLUSTERCHECKD_CFGTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* libconfig 1.5 records an @include'd file by the name written in the
 * directive, but opens it as include_dir/name. Writes the file actually
 * read: `main_path` for source NULL (the main file), `source` when
 * absolute, else include_dir/source. */
void cfgtext_source_path(const char *main_path, const char *include_dir, const char *source,
			 char *out, size_t out_len);

/* libconfig 1.5 keeps only the low 32 bits of a plain integer (4294967297
 * reads as 1) and says nothing. Looks up `name = <number>` on line `line` of
 * `file` (a regular file only: a second read of a pipe would wait or see
 * nothing) and returns true, with the number as written in `text`, only
 * when it is outside 32 bits and wraps to exactly `parsed`: a token that
 * merely looks similar cannot turn a good value into an error. */
bool cfgtext_integer_wrapped(const char *file, unsigned line, const char *name, int parsed,
			     char *text, size_t text_len);

/* Called for an @include naming something that exists but is not a regular
 * file: `file`:`line` is the directive, `name` as written, `target` the
 * path libconfig would open. */
typedef void (*cfgtext_bad_include_fn)(void *ctx, const char *file, unsigned line,
				       const char *name, const char *target);

/* libconfig 1.5's scanner calls exit(2) ("input in flex scanner failed")
 * when an @include names something it can open but not read as text (a
 * directory: `@include ""`, `@include "conf.d"`), and a device or FIFO
 * would hang or flood it. Walks every @include of `path` (shown as `shown`
 * in reports), nested ones too, resolving each as libconfig does
 * (include_dir + "/" + name, whatever file it appears in), and reports each
 * that is not a regular file. Missing ones are left to libconfig. Returns
 * how many were reported. */
int cfgtext_check_includes(const char *path, const char *shown, const char *include_dir,
			   cfgtext_bad_include_fn bad, void *ctx);

#endif
