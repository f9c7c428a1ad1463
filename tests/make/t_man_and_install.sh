#!/usr/bin/env bash
# The manual pages render without warnings; clustercheckd.conf(5) has every
# key of the configuration table; clustercheckd(8) names every option and
# subcommand `clustercheckd --help` lists, every endpoint, signal and exit
# status; `make install-files` into a scratch DESTDIR puts every file where
# PREFIX says and rewrites the units' and xinetd files' paths to it.
# Run from the top of the tree after `make clustercheckd man` (make
# install-check does both).
set -euo pipefail
B=${B:-build}
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# groff's warnings (-w) on stderr, through man-db as a reader would.
for page in man/clustercheckd.8 man/clustercheckd.conf.5; do
	[[ -f $page ]] || fail "$page missing"
	MANWIDTH=100 man --warnings -l "$page" >"$tmp/page.txt" 2>"$tmp/page.err" || fail "man -l $page failed"
	[[ ! -s $tmp/page.err ]] || fail "man -l $page: $(cat "$tmp/page.err")"
	(($(wc -l <"$tmp/page.txt") > 50)) || fail "$page renders to $(wc -l <"$tmp/page.txt") lines"
done
echo "ok: man -l renders clustercheckd(8) and clustercheckd.conf(5) without warnings" >&2

# Every key of the table, as a tagged paragraph of its own.
n=0
while read -r key; do
	grep -qxF ".B ${key//-/\\-}" man/clustercheckd.conf.5 || fail "clustercheckd.conf(5) lacks $key"
	n=$((n + 1))
done < <("$B/cfgman" --names)
((n >= 30)) || fail "only $n keys from the table"
MANWIDTH=200 man -l man/clustercheckd.conf.5 >"$tmp/conf5.txt" 2>/dev/null
grep -q 'mysql.connect_timeout' "$tmp/conf5.txt" || fail "rendered conf(5) lacks mysql.connect_timeout"
echo "ok: clustercheckd.conf(5) documents all $n keys of the table" >&2

# clustercheckd(8) against --help, with roff's \- read as -.
sed 's/\\-/-/g' man/clustercheckd.8 >"$tmp/man8"
./clustercheckd --help >"$tmp/help"
opts=$(grep -oE -- '--[a-z][a-z-]*' "$tmp/help" | sort -u)
[[ -n $opts ]] || fail "no option in --help"
for o in $opts; do
	grep -qF -- "$o" "$tmp/man8" || fail "clustercheckd(8) does not mention $o (in --help)"
done
cmds=$(sed -nE 's/^ +clustercheckd ([a-z][a-z-]*) .*/\1/p' "$tmp/help")
[[ $cmds == *ctl* && $cmds == *notify* ]] || fail "--help lists subcommands '$cmds'"
for c in $cmds; do
	grep -qE "^\.B clustercheckd $c( |$)" "$tmp/man8" || fail "clustercheckd(8) has no synopsis for '$c'"
	grep -qE "^\.B $c( |$)" "$tmp/man8" || fail "clustercheckd(8) does not describe '$c' under SUBCOMMANDS"
done
for want in '^\.SH HTTP ENDPOINTS' '^\.B /ready$' '^\.B /live$' '^\.B /status$' '^\.B /metrics$' '^\.B /writer$' '^\.B /cluster$' \
	'^\.SH SIGNALS' '^\.B SIGTERM$' '^\.B SIGINT$' '^\.B SIGHUP$' '^\.SH EXIT STATUS' \
	'^\.SH MODES' '^\.B --inetd$' '^\.B --check$' '^\.B --check-config$' 'clustercheck drop-in'; do
	grep -qE -- "$want" "$tmp/man8" || fail "clustercheckd(8) lacks $want"
done
echo "ok: clustercheckd(8) names $(wc -w <<<"$opts") options and subcommands: ${cmds//$'\n'/ }" >&2

# make install-files into a scratch root, under another PREFIX.
root=$tmp/root
make --no-print-directory -s install-files DESTDIR="$root" PREFIX=/opt/cck >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "make install-files"; }
for f in /opt/cck/sbin/clustercheckd /etc/clustercheckd/clustercheckd.conf.example \
	/opt/cck/lib/systemd/system/clustercheckd.service /opt/cck/lib/systemd/system/clustercheckd.socket \
	/opt/cck/lib/systemd/system/clustercheckd-inetd.socket \
	/opt/cck/lib/systemd/system/clustercheckd-inetd@.service \
	/opt/cck/lib/sysusers.d/clustercheckd.conf /etc/xinetd.d/clustercheckd /etc/xinetd.d/mysqlchk \
	/opt/cck/share/man/man8/clustercheckd.8 /opt/cck/share/man/man5/clustercheckd.conf.5 \
	/opt/cck/share/doc/clustercheckd/README.md /opt/cck/share/doc/clustercheckd/inetd-and-systemd.md; do
	[[ -f $root$f ]] || fail "make install: $f missing"
done
[[ $(stat -c %a "$root/etc/clustercheckd/clustercheckd.conf.example") == 600 ]] || fail "config example not 0600"
[[ -x $root/opt/cck/sbin/clustercheckd ]] || fail "binary not executable"
grep -qx 'ExecStart=/opt/cck/sbin/clustercheckd --syslog' "$root/opt/cck/lib/systemd/system/clustercheckd.service" ||
	fail "clustercheckd.service ExecStart does not follow PREFIX"
grep -qx 'ExecStart=/opt/cck/sbin/clustercheckd --inetd' "$root/opt/cck/lib/systemd/system/clustercheckd-inetd@.service" ||
	fail "clustercheckd-inetd@.service ExecStart does not follow PREFIX"
grep -qE '^\s*server\s*= /opt/cck/sbin/clustercheckd$' "$root/etc/xinetd.d/clustercheckd" ||
	fail "xinetd.d/clustercheckd server does not follow PREFIX"
grep -qE '^\s*server\s*= /opt/cck/sbin/clustercheckd$' "$root/etc/xinetd.d/mysqlchk" ||
	fail "xinetd.d/mysqlchk server does not follow PREFIX"
for f in "$root"/etc/xinetd.d/*; do
	grep -qE '^\s*disable\s*= yes$' "$f" || fail "$f is installed enabled"
done
if grep -rl '/usr/local' "$root" --exclude=clustercheckd --exclude='*.md' --exclude='*.example' --exclude='*.[58]'; then
	fail "installed files still point at /usr/local"
fi
# Installing again keeps an xinetd service its administrator enabled.
sed -i 's/disable\( *\)= yes/disable\1= no/' "$root/etc/xinetd.d/clustercheckd"
make --no-print-directory -s install-files DESTDIR="$root" PREFIX=/opt/cck >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "make install-files, again"; }
grep -qE '^\s*disable\s*= no$' "$root/etc/xinetd.d/clustercheckd" || fail "a second install overwrote an enabled xinetd service"
[[ -f $root/etc/xinetd.d/clustercheckd.new ]] || fail "a second install did not put the new xinetd file beside the old"
MANWIDTH=100 man -l "$root/opt/cck/share/man/man8/clustercheckd.8" >/dev/null 2>&1 || fail "installed page does not render"
"$root/opt/cck/sbin/clustercheckd" --version >/dev/null || fail "installed binary does not run"
echo "ok: make install-files DESTDIR=... PREFIX=/opt/cck: binary, config example (0600), 4 units and sysusers with /opt/cck paths, xinetd files disabled, pages, docs" >&2
