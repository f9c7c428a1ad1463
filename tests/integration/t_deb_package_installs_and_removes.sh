# The Debian package (make deb, build-deb/) on this machine: dpkg -i
# creates the clustercheckd user, makes the configuration a conffile only
# that user can read, installs the units without enabling or starting
# anything; the installed binary passes --check-config (as root and as its
# user) and answers one check of node 1 of the test cluster; dpkg --purge
# leaves none of the package's files, its state or its statoverride behind.
# The system user stays after a purge, as Debian packages leave theirs; the
# scenario removes it again if it created it.
# shellcheck source=tests/integration/lib.sh
source "${BASH_SOURCE[0]%/*}/lib.sh"

((EUID == 0)) || fail "installing a package needs root"
debs=("$CCK_REPO"/build-deb/clustercheckd_*.deb)
if [[ ! -f ${debs[0]} ]]; then
	echo "no package in build-deb/: building it (scripts/build-deb.sh)" >&2
	DEB_BUILD_OPTIONS=nocheck "$CCK_REPO/scripts/build-deb.sh" >&2
	debs=("$CCK_REPO"/build-deb/clustercheckd_*.deb)
fi
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)

# One package test at a time on a shared machine, and never over a package
# someone installed on purpose.
exec 9>/run/lock/clustercheckd-deb-test.lock
flock -w 300 9 || fail "another package test holds /run/lock/clustercheckd-deb-test.lock"
st=$(dpkg-query -W -f='${db:Status-Status}' clustercheckd 2>/dev/null) || st=
[[ -z $st || $st == not-installed ]] || fail "the clustercheckd package is already on this machine ($st): not touching it"
user_existed=0
getent passwd clustercheckd >/dev/null && user_existed=1

# dpkg's lock may be held by an apt-get of another developer: wait for it.
dpkg_do() {
	local deadline=$(($(date +%s) + 120)) out
	while :; do
		if out=$(dpkg "$@" 2>&1); then
			printf '%s\n' "$out" >"$CCK_TMP/dpkg.log"
			return 0
		fi
		if [[ $out == *"lock"* ]] && (($(date +%s) < deadline)); then
			sleep 1 # polling the lock: dpkg has no wait of its own
			continue
		fi
		printf '%s\n' "$out" >&2
		return 1
	done
}
_cleanup_package() {
	st=$(dpkg-query -W -f='${db:Status-Status}' clustercheckd 2>/dev/null) || st=
	[[ -z $st || $st == not-installed ]] || dpkg_do --purge clustercheckd
	if ((!user_existed)) && getent passwd clustercheckd >/dev/null; then
		userdel clustercheckd
		if getent group clustercheckd >/dev/null; then groupdel clustercheckd; fi
	fi
}
on_exit _cleanup_package

dpkg_do -i "$deb" || fail "dpkg -i $deb failed"
[[ $(dpkg-query -W -f='${db:Status-Status}' clustercheckd) == installed ]] || fail "not installed after dpkg -i"
dpkg -L clustercheckd >"$CCK_TMP/deb-files"
echo "ok: dpkg -i $(basename "$deb") ($(wc -l <"$CCK_TMP/deb-files") paths), postinst fine without systemd as PID 1" >&2

[[ $(/usr/sbin/clustercheckd --version) == "clustercheckd $version" ]] || fail "installed binary: $(/usr/sbin/clustercheckd --version)"
getent passwd clustercheckd >/dev/null || fail "no clustercheckd user after install"
conf=/etc/clustercheckd/clustercheckd.conf
[[ $(stat -c '%U:%G %a' "$conf") == "clustercheckd:clustercheckd 600" ]] || fail "$conf is $(stat -c '%U:%G %a' "$conf")"
grep -qx "$conf" /var/lib/dpkg/info/clustercheckd.conffiles || fail "$conf is not a conffile"
for u in clustercheckd.service clustercheckd.socket clustercheckd-inetd.socket clustercheckd-inetd@.service; do
	[[ -f /lib/systemd/system/$u ]] || fail "unit $u not installed"
done
grep -qx 'ExecStart=/usr/sbin/clustercheckd --syslog' /lib/systemd/system/clustercheckd.service ||
	fail "clustercheckd.service does not run /usr/sbin/clustercheckd"
if ls /etc/systemd/system/*/clustercheckd* 2>/dev/null; then fail "a unit was enabled by the install"; fi
for exe in /proc/[0-9]*/exe; do
	[[ $(readlink "$exe" 2>/dev/null) != /usr/sbin/clustercheckd ]] || fail "the install started ${exe%/exe}"
done
grep -qE '^\s*disable\s*= yes' /etc/xinetd.d/clustercheckd || fail "xinetd service installed enabled"
# Slim container images tell dpkg not to unpack manual pages at all.
if grep -qsE '^path-exclude=?\s*/usr/share/man' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/*; then
	echo "note: dpkg excludes /usr/share/man on this machine: man pages not checked" >&2
else
	[[ $(man -w clustercheckd.conf 2>/dev/null) == /usr/share/man/man5/clustercheckd.conf.5.gz ]] ||
		fail "man clustercheckd.conf"
	[[ $(man -w 8 clustercheckd 2>/dev/null) == /usr/share/man/man8/clustercheckd.8.gz ]] || fail "man 8 clustercheckd"
fi
echo "ok: user, config 0600 clustercheckd (conffile), units and xinetd files installed, nothing enabled or started, man pages" >&2

# The packaged configuration, as root and as the agent's user. Port 9200 may
# be taken on a shared machine: that is a warning, not an error.
out=$(/usr/sbin/clustercheckd --check-config 2>"$CCK_TMP/cc.err") || fail "--check-config: $(cat "$CCK_TMP/cc.err")"
[[ $out == "configuration OK" ]] || fail "--check-config: '$out'"
out=$(runuser -u clustercheckd -- /usr/sbin/clustercheckd --check-config 2>"$CCK_TMP/cc.err") ||
	fail "--check-config as clustercheckd: $(cat "$CCK_TMP/cc.err")"
[[ $out == "configuration OK" ]] || fail "--check-config as clustercheckd: '$out'"
echo "ok: /usr/sbin/clustercheckd --check-config on the packaged file, as root and as clustercheckd" >&2

# Against node 1 of the test cluster.
test_conf=$CCK_TMP/deb.conf
(umask 077; printf 'listen = "127.0.0.1:%s";\nmysql = { socket = "%s"; user = "%s"; password = "%s"; };\n' \
	"$(cck_spare_port 5)" "${NODE_SOCK[1]}" "$CCK_DB_USER" "$CCK_DB_PASS" >"$test_conf")
out=$(/usr/sbin/clustercheckd --config "$test_conf" --check-config) || fail "--check-config on the test config"
rc=0
out=$(/usr/sbin/clustercheckd --config "$test_conf" --check 2>"$CCK_TMP/check.err") || rc=$?
[[ $rc == 0 && $out == "ready (200): Synced" ]] || fail "installed --check: exit $rc, '$out' $(cat "$CCK_TMP/check.err")"
echo "ok: installed binary, --check against node1: '$out'" >&2

dpkg_do --purge clustercheckd || fail "dpkg --purge failed"
st=$(dpkg-query -W -f='${db:Status-Status}' clustercheckd 2>/dev/null) || st=
[[ -z $st || $st == not-installed ]] || fail "after purge, dpkg says '$st'"
left=()
while read -r path; do
	[[ -e $path && ! -d $path ]] && left+=("$path")
done <"$CCK_TMP/deb-files"
for path in /etc/clustercheckd /usr/share/doc/clustercheckd /run/clustercheckd; do
	[[ -e $path ]] && left+=("$path")
done
((${#left[@]} == 0)) || fail "left after purge: ${left[*]}"
if dpkg-statoverride --list "$conf" >/dev/null; then fail "statoverride of $conf left"; fi
if ls /var/lib/systemd/deb-systemd-helper-enabled/*clustercheckd* 2>/dev/null; then
	fail "deb-systemd-helper state left"
fi
echo "ok: dpkg --purge: none of the $(wc -l <"$CCK_TMP/deb-files") paths, the config directory, the statoverride or the unit state left" >&2
