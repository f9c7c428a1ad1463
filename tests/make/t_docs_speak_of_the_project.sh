#!/usr/bin/env bash
# README's Layout names every module (src/x.c), and the project speaks of
# itself only: no tracker references (a numbered ticket of ours or the
# owner/repo-hash-number form) and no remarks on who else used the machine in the docs,
# the code, the tests and the scripts. Figures keep their conditions
# (cores, load, what ran beside them).
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

layout=$(sed -n '/^## Layout/,/^## /p' README.md)
[[ -n $layout ]] || fail "README has no Layout section"
n=0
for f in src/*.c; do
	m=$(basename "$f" .c)
	[[ $m == main ]] && continue
	grep -qF "\`$m\`" <<<"$layout" || fail "README Layout does not name the module $m ($f)"
	n=$((n + 1))
done
echo "ok: README Layout names all $n modules" >&2

files=$(git ls-files -co --exclude-standard -- README.md docs src include tests scripts man debian \
	tools bench conf systemd xinetd haproxy Makefile fuzz/*.c fuzz/*.h | grep -v '^tests/make/t_docs_speak')
# shellcheck disable=SC2086
hits=$(grep -nHiE '\bissues?[ -]?[0-9]+\b|[a-z0-9_.-]+#[0-9]+\b|other (engineers|helpers|developers|sessions)' \
	$files || true)
[[ -z $hits ]] || fail "the project speaks of something else than itself:"$'\n'"$hits"
echo "ok: no issue numbers or remarks on other users in $(wc -l <<<"$files") files" >&2
