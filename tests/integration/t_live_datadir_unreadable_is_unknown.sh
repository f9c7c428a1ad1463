# shellcheck shell=bash
# The agent runs as an unprivileged user (nobody, in the mysql group as the
# README asks) against a datadir it cannot search: 0700 mysql:mysql, as
# mariadb-install-db creates it. Whether a state transfer is under way
# cannot be known, and it is said so, never "none under way":
#   - one log line at start-up (not one per poll);
#   - /live?verbose: "[+]state_transfer ok: unknown: cannot look for ...";
#   - /status: datadir.sst_in_progress null, readable false, the reason;
#     grastate not read (Permission denied);
#   - /metrics: no galera_sst_in_progress series, and
#     clustercheckd_datadir_readable{file=...} 0.
# /live fails toward alive: with mysqld SIGSTOPped past the grace it stays
# 200 and says why. Then the datadir gets g+rx (the README's recipe): the
# same agent sees the marker's absence and grastate.dat, and logs it once.

GRACE_MS=2000
node=2
a=2
data=$CCK_TMP/node$node/data
port=${AGENT_PORT[a]}
conf=$CCK_TMP/agent$a.conf
log=$CCK_LOGDIR/agent$a.log
id nobody >/dev/null 2>&1 || fail "no user nobody on this machine"
getent group mysql >/dev/null || fail "no group mysql on this machine"
[[ $(stat -c %U "$data") == mysql ]] || fail "the harness does not run mysqld as mysql here (run as root)"

mode=$(stat -c %a "$data")
on_exit "chmod $mode '$data'"
chmod 0700 "$data"

(
	umask 077
	cat >"$conf" <<EOF
listen = "127.0.0.1:$port";
mysql = { socket = "${NODE_SOCK[node]}"; user = "$CCK_DB_USER"; password = "$CCK_DB_PASS"; datadir = "$data"; };
drain = { seconds = 0; maint_file = ""; };
ctl = { socket = ""; };
poll = { interval_ms = 100; };
live = { grace_ms = $GRACE_MS; };
EOF
)
chown nobody "$conf"

# The sanitized agent writes its reports where nobody may not: give it a
# directory of its own and hand the reports over once it has exited.
env_opts=()
if [[ ${ASAN_OPTIONS:-} == *log_path=* ]]; then
	orig=${ASAN_OPTIONS#*log_path=}
	orig=${orig%%:*}
	mine=$CCK_LOGDIR/asan-nobody
	mkdir -p "$mine"
	chmod 1777 "$mine"
	env_opts=(env "ASAN_OPTIONS=${ASAN_OPTIONS/log_path=$orig/log_path=$mine/asan}")
	on_exit "cp '$mine'/asan.* '$(dirname "$orig")/' 2>/dev/null || true"
fi
on_exit "agent_stop $a"
echo "=== $(date '+%F %T') as nobody (group mysql): $CCK_BIN --config $conf" >>"$log"
_spawn "$log" "${env_opts[@]}" setpriv --reuid=nobody --regid=nogroup --groups=mysql -- "$CCK_BIN" --config "$conf"
pid=$!
disown "$pid" 2>/dev/null
echo "$pid" >"$CCK_TMP/agent$a.pid"
wait_until 10 "agent$a to answer HTTP" _agent_answers "$a" "$pid"
[[ $(stat -c %U "/proc/$pid") == nobody ]] || fail "agent$a does not run as nobody"
expect_http "$port" 200 '^Galera node is synced' 5 "agent$a /ready (the datadir plays no part in it)" >/dev/null

v=$(http_body "$port" '/live?verbose')
[[ $v == *"[+]state_transfer ok: unknown: cannot look for sst_in_progress in $data (Permission denied)"* ]] ||
	fail "/live?verbose does not say the marker is unknown: $v"
[[ $v != *"none under way"* ]] || fail "/live?verbose says 'none under way' for an unsearchable datadir: $v"
status=$(http_body "$port" /status)
jq -e --arg data "$data" '.datadir.path == $data and .datadir.sst_in_progress == null
	and .datadir.readable == false and (.datadir.error | test("cannot be known"))
	and .grastate.read == false and .grastate.error == "Permission denied"
	and (.live.checks[] | select(.name == "state_transfer") | .detail | startswith("unknown:"))' \
	<<<"$status" >/dev/null ||
	fail "/status: $(jq -c '{datadir, grastate, live: .live.checks}' <<<"$status")"
metrics=$(http_body "$port" /metrics)
grep -q '^galera_sst_in_progress' <<<"$metrics" && fail "/metrics reports galera_sst_in_progress for an unsearchable datadir"
grep -qx 'clustercheckd_datadir_readable{file="sst_in_progress"} 0' <<<"$metrics" ||
	fail "/metrics lacks clustercheckd_datadir_readable{file=\"sst_in_progress\"} 0: $(grep datadir <<<"$metrics")"
grep -qx 'clustercheckd_datadir_readable{file="grastate.dat"} 0' <<<"$metrics" ||
	fail "/metrics lacks clustercheckd_datadir_readable{file=\"grastate.dat\"} 0"
echo "ok: verbose, /status and /metrics say the marker is unknown" >&2

# /live with mysqld silent past the grace: kept alive, and says why.
on_exit "node_kill $node CONT"
node_kill "$node" STOP
ms=$(wait_http "$port" 200 "^Galera node is alive: no answer for [0-9]+ ms, beyond the $GRACE_MS ms grace, but whether a state transfer is under way cannot be known" \
	$(((GRACE_MS + 6000) / 1000)) /live) || fail "/live with mysqld stopped past the grace: $(http_get "$port" /live)"
node_kill "$node" CONT
echo "ok: /live 200 ${ms} ms after mysqld stopped (grace $GRACE_MS ms): the marker cannot be known" >&2
lines=$(grep -c 'cannot look for sst_in_progress' "$log" || true)
((lines == 1)) || fail "the log has $lines lines about the unsearchable datadir, want 1: $(grep -n datadir "$log")"
grep -q "datadir $data: cannot look for sst_in_progress (Permission denied): whether a state transfer is under way cannot be known" "$log" ||
	fail "the start-up line does not say what cannot be known: $(grep datadir "$log")"

# The README's recipe: the agent's user in the mysql group, g+rx on the
# datadir (grastate.dat is already group-readable).
wait_until 60 "node$node to answer SQL after SIGCONT" node_sql "$node" "SELECT 1" >/dev/null
chmod 0750 "$data"
wait_http "$port" 200 '^Galera node is alive: mysqld answered' 30 /live >/dev/null ||
	fail "/live after the datadir got g+rx: $(http_get "$port" /live)"
_readable() {
	local s
	s=$(http_body "$port" /status)
	jq -c '.datadir' <<<"$s"
	jq -e '.datadir.readable == true and .datadir.sst_in_progress == false and .grastate.read == true' <<<"$s" >/dev/null
}
wait_until 5 "the datadir readable in /status" _readable >/dev/null
v=$(http_body "$port" '/live?verbose')
[[ $v == *"[+]state_transfer ok: none under way"* ]] || fail "/live?verbose once readable: $v"
metrics=$(http_body "$port" /metrics)
grep -qx 'galera_sst_in_progress 0' <<<"$metrics" || fail "/metrics lacks galera_sst_in_progress 0 once readable"
grep -qx 'clustercheckd_datadir_readable{file="sst_in_progress"} 1' <<<"$metrics" || fail "/metrics: datadir not readable"
grep -q "datadir $data: readable" "$log" || fail "the log does not say the datadir became readable: $(grep datadir "$log")"
echo "ok: with g+rx the same agent reads the datadir (grastate $(jq -c '.grastate.seqno' <<<"$(http_body "$port" /status)"))" >&2
# The pause may have cost node2 its place in the Primary component for a
# while; the next scenario needs it back.
cluster_wait_synced 90
