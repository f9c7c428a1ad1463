# The clustercheck drop-in under a real xinetd, in clustercheck's
# positional form (<user> <pass> 0 <log_file> 0 <defaults_extra_file>),
# against the baseline script (bench/baseline/clustercheck.sh) under the
# same xinetd and node: the same status line and body bytes for synced, not
# synced (desync) and read-only, the disabled file's 503, exit statuses 0/1
# (from xinetd's log, and from a shell), a request sent slowly in pieces,
# and the password gone from /proc/PID/cmdline of the running check.
# shellcheck source=tests/integration/lib_inetd.sh
source "${BASH_SOURCE[0]%/*}/lib_inetd.sh"

dir=$CCK_TMP/dropin
mkdir -p "$dir"
disabled=$dir/clustercheck.disabled
# Only the socket in our defaults file: the credentials come positionally.
printf '[client]\nsocket=%s\n' "${NODE_SOCK[1]}" >"$dir/socket.cnf"
(umask 077; printf '[client]\nuser=%s\npassword=%s\nsocket=%s\n' \
	"$CCK_DB_USER" "$CCK_DB_PASS" "${NODE_SOCK[1]}" >"$dir/baseline.cnf")
# No sysconfig of the host may leak in; the disabled file is ours.
: >"$dir/sysconfig"

ours=$(cck_spare_port 2)
base=$(cck_spare_port 3)
XINETD_ENV="CLUSTERCHECK_SYSCONFIG=$dir/sysconfig CLUSTERCHECK_DISABLED_FILE=$disabled" \
	xinetd_start dropin "$ours" "$CCK_BIN" "$CCK_DB_USER" "$CCK_DB_PASS" 0 "$dir/check.log" 0 "$dir/socket.cnf"
on_exit 'xinetd_stop dropin'
xinetd_start baseline "$base" /bin/bash "$CCK_REPO/bench/baseline/clustercheck.sh" "$dir/baseline.cnf" 0 0
on_exit 'xinetd_stop baseline'

# same_answer STATE EXPECTED_STATUS EXPECTED_BODY: ours and the baseline
# answer the same status line and the same body bytes.
n_ok=0 n_fail=0
same_answer() {
	local state=$1 status=$2 body=$3 b_status b_body
	raw_request "$base" 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' "$dir/base.out"
	response_parts "$dir/base.out"
	b_status=$RESP_STATUS b_body=$RESP_BODY
	raw_request "$ours" 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' "$dir/ours.out"
	assert_framed "$dir/ours.out" "$state"
	[[ $RESP_STATUS == "$b_status" ]] || fail "$state: status '$RESP_STATUS', clustercheck says '$b_status'"
	[[ $RESP_BODY == "$b_body" ]] || fail "$state: body '$RESP_BODY', clustercheck says '$b_body'"
	[[ $RESP_STATUS == "$status" && $RESP_BODY == "$body" ]] ||
		fail "$state: '$RESP_STATUS' '$RESP_BODY', want '$status' '$body'"
	echo "ok: $state: $RESP_STATUS, $(printf '%q' "$RESP_BODY") (same bytes as clustercheck)" >&2
	if [[ $status == *" 200 "* ]]; then n_ok=$((n_ok + 1)); else n_fail=$((n_fail + 1)); fi
}

same_answer synced "HTTP/1.1 200 OK" $'Percona XtraDB Cluster Node is synced.\r\n'

on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
same_answer "not synced (desync)" "HTTP/1.1 503 Service Unavailable" $'Percona XtraDB Cluster Node is not synced.\r\n'
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
wait_until 5 "node1 Synced" node_state_is 1 4

on_exit 'node_sql 1 "SET GLOBAL read_only=OFF"'
node_sql 1 "SET GLOBAL read_only=ON"
same_answer "read-only (available_when_readonly=0)" "HTTP/1.1 503 Service Unavailable" \
	$'Percona XtraDB Cluster Node is read-only.\r\n'
node_sql 1 "SET GLOBAL read_only=OFF"

# The disabled file (the baseline has none; these are clustercheck's bytes).
on_exit "rm -f '$disabled'"
touch "$disabled"
raw_request "$ours" 'GET / HTTP/1.0\r\n\r\n' "$dir/ours.out"
assert_framed "$dir/ours.out" "disabled file"
[[ $RESP_STATUS == "HTTP/1.1 503 Service Unavailable" &&
	$RESP_BODY == $'Percona XtraDB Cluster Node is manually disabled.\r\n' && $RESP_CLEN == 51 ]] ||
	fail "disabled file: '$RESP_STATUS' '$RESP_BODY' (Content-Length $RESP_CLEN)"
n_fail=$((n_fail + 1))
echo "ok: disabled file -> $RESP_STATUS, manually disabled (51 bytes)" >&2
rm -f "$disabled"

# Exit statuses, as xinetd saw them: 0 for every 200, 1 for every 503.
wait_xinetd_exit dropin 0 "$n_ok"
wait_xinetd_exit dropin 1 "$n_fail"
echo "ok: xinetd saw $(xinetd_exits dropin 0) exit(s) 0 and $(xinetd_exits dropin 1) exit(s) 1" >&2

# From a shell (no socket): the response on stdout, exit 0/1.
shell_check() {
	CLUSTERCHECK_SYSCONFIG=$dir/sysconfig CLUSTERCHECK_DISABLED_FILE=$disabled \
		"$CCK_BIN" "$CCK_DB_USER" "$CCK_DB_PASS" 0 /dev/null 0 "$dir/socket.cnf" >"$dir/shell.out"
}
rc=0; shell_check || rc=$?
response_parts "$dir/shell.out"
[[ $rc == 0 && $RESP_STATUS == "HTTP/1.1 200 OK" ]] || fail "shell, synced: exit $rc, '$RESP_STATUS'"
touch "$disabled"
rc=0; shell_check || rc=$?
response_parts "$dir/shell.out"
[[ $rc == 1 && $RESP_BODY == $'Percona XtraDB Cluster Node is manually disabled.\r\n' ]] ||
	fail "shell, disabled: exit $rc, '$RESP_STATUS' '$RESP_BODY'"
rm -f "$disabled"
echo "ok: from a shell: exit 0 with 200, exit 1 with 503 on stdout" >&2

# A request sent slowly, in pieces; while the check waits for the rest, its
# command line must not hold the password.
exec 7<>"/dev/tcp/127.0.0.1/$ours"
on_exit 'exec 7>&- 7<&-'
printf 'GET / HT' >&7
xpid=$(xinetd_pid dropin)
check_pid=
# The check is ready once it has taken the connection off its stdin
# (fd 0 -> /dev/null), which it does after scrubbing argv.
_check_waiting() {
	local p
	for p in $(pgrep -P "$xpid"); do
		if [[ $(readlink "/proc/$p/fd/0" 2>/dev/null) == /dev/null ]]; then
			check_pid=$p
			echo "pid $p waiting"
			return 0
		fi
	done
	echo "no check process waiting yet"
	return 1
}
wait_until 5 "the check to wait for the rest of the request" _check_waiting
check_pid=$(for p in $(pgrep -P "$xpid"); do [[ $(readlink "/proc/$p/fd/0") == /dev/null ]] && echo "$p"; done | head -1)
cmdline=$(tr '\0' ' ' <"/proc/$check_pid/cmdline")
[[ $cmdline == *"$CCK_DB_USER"* ]] || fail "cmdline of pid $check_pid is not the check's: '$cmdline'"
[[ $cmdline != *"$CCK_DB_PASS"* ]] || fail "the password is visible in /proc/$check_pid/cmdline"
echo "ok: /proc/$check_pid/cmdline: '$cmdline' (no password)" >&2
for piece in 'TP/1.1\r\n' 'Host: x\r\n' 'connection: close\r\n' '\r\n'; do
	sleep 0.3 # the pause is the stimulus: bytes trickling in
	# shellcheck disable=SC2059
	printf "$piece" >&7
done
timeout 5 cat <&7 >"$dir/slow.out" || true
exec 7>&- 7<&-
assert_framed "$dir/slow.out" "slow request"
[[ $RESP_STATUS == "HTTP/1.1 200 OK" && $RESP_BODY == $'Percona XtraDB Cluster Node is synced.\r\n' ]] ||
	fail "slow request: '$RESP_STATUS' '$RESP_BODY'"
echo "ok: a request sent in 5 pieces over 1.2 s -> $RESP_STATUS" >&2

# The "-" form (credentials only from the defaults file) with the log file
# PXC's clustercheck@.service warns about: /proc/self/fd/2 is the client's
# socket here, cannot be opened (ENXIO) and made every node answer 503.
# Ours logs to syslog instead and answers, with nothing else on the wire.
enxio=$(cck_spare_port 8)
XINETD_ENV="CLUSTERCHECK_SYSCONFIG=$dir/sysconfig CLUSTERCHECK_DISABLED_FILE=$disabled" \
	xinetd_start dropin_dash "$enxio" "$CCK_BIN" - 0 /proc/self/fd/2 1 "$dir/baseline.cnf"
on_exit 'xinetd_stop dropin_dash'
raw_request "$enxio" 'OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n' "$dir/dash.out"
assert_framed "$dir/dash.out" "'-' form, log file /proc/self/fd/2"
[[ $RESP_STATUS == "HTTP/1.1 200 OK" && $RESP_BODY == $'Percona XtraDB Cluster Node is synced.\r\n' ]] ||
	fail "'-' form, log file /proc/self/fd/2: '$RESP_STATUS' '$RESP_BODY'"
echo "ok: '-' form with ERR_FILE=/proc/self/fd/2 under xinetd -> $RESP_STATUS, framed" >&2
