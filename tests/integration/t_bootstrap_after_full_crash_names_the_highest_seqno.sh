# shellcheck shell=bash
# Full-cluster crash with writes in flight: kill -9 all three mysqld.
# `clustercheckd bootstrap` (asking the three agents, which keep running)
# first says START-ALL: every node holds the same saved view. Without that
# view on one node (as after a lost or emptied gvwstate.dat) it says
# RECOVER all three; `clustercheckd recover` on each stores the position
# mariadbd recovers; then bootstrap names the node with the highest
# recovered seqno (ties: safe_to_bootstrap, priority, name). That node
# bootstrapped as printed, the others started: every transaction the
# client saw committed is there. Then a clean full stop: the last node
# stopped has safe_to_bootstrap: 1 and is named without any recovery.
source "$CCK_REPO/tests/integration/drain_lib.sh"
source "$CCK_REPO/tests/integration/cluster_lib.sh"

bootstrap_advice() { "$CCK_BIN" bootstrap --config "$CCK_TMP/agent1.conf" "$@"; }

cluster_agents_start
wait_writer 1 20
load_setup
cluster_load_start crash "${NODE_PORT[1]}"
cluster_wait_flowing

cck_log "kill -9 of all three mysqld, writes in flight"
for i in 1 2 3; do node_kill "$i" 9; done
for i in 1 2 3; do wait_until 10 "node$i gone" _pid_gone "${NODE_PID[i]}" >/dev/null; done
load_stop crash >/dev/null || true
# shellcheck disable=SC2016 # expanded when the step runs
on_exit 'for i in 1 2 3; do node_alive $i || node_start $i >/dev/null 2>&1 || true; done'

_advice_is() {
	local out rc=0
	out=$(bootstrap_advice) || rc=$?
	echo "exit $rc: ${out%%$'\n'*}"
	[[ ${out%%$'\n'*} == "$1" && $rc == "$2" ]]
}
wait_until 10 "bootstrap to advise START-ALL" _advice_is "START-ALL" 0
bootstrap_advice --json | jq -e '.action == "START-ALL" and .exit_code == 0' >/dev/null ||
	fail "bootstrap --json does not say START-ALL"

rm -f "$CCK_TMP/node3/data/gvwstate.dat"
wait_until 10 "bootstrap to advise RECOVER" _advice_is "RECOVER db1 db2 db3" 1

declare -A seq
best=""
for i in 1 2 3; do
	user=()
	_cck_is_root && user=(--user mysql)
	out=$("$CCK_BIN" recover --config "$CCK_TMP/agent$i.conf" --mariadbd "$MARIADBD" \
		--defaults-file "$CCK_TMP/node$i/my.cnf" "${user[@]}") || fail "recover on node$i failed: $out"
	[[ $out =~ ^Recovered\ position:\ [0-9a-f-]{36}:([0-9]+)$ ]] || fail "recover on node$i printed: $out"
	seq[$i]=${BASH_REMATCH[1]}
	cck_log "node$i recovered seqno ${seq[$i]}"
	# highest seqno; on a tie the lower priority (= lower index) wins
	if [[ -z $best ]] || ((seq[$i] > seq[$best])); then best=$i; fi
done
wait_until 10 "bootstrap to name db$best" _advice_is "BOOTSTRAP db$best" 0
advice=$(bootstrap_advice) || true
printf '%s\n' "$advice" | sed 's/^/    /' >&2
grep -q "on db$best: galera_new_cluster" <<<"$advice" || fail "no bootstrap command for db$best: $advice"

# As printed: mark it safe, bootstrap it, start the others.
sed -i 's/^safe_to_bootstrap: 0$/safe_to_bootstrap: 1/' "$CCK_TMP/node$best/data/grastate.dat"
node_start "$best" --wsrep-new-cluster
others=()
for i in 1 2 3; do ((i == best)) || others+=("$i"); done
nodes_start "${others[@]}"
cluster_wait_synced 60
node_sql "$best" "SELECT CONCAT(run, ' ', worker, ' ', seq) FROM cck.load_rows" | sort >"$CCK_TMP/rows.sorted"
sort "$CCK_TMP/crash.acked" >"$CCK_TMP/acked.sorted"
acked=$(wc -l <"$CCK_TMP/acked.sorted")
((acked > 20)) || fail "only $acked acknowledged transactions before the crash"
lost=$(comm -23 "$CCK_TMP/acked.sorted" "$CCK_TMP/rows.sorted" | wc -l)
((lost == 0)) || fail "$lost of $acked acknowledged transactions lost"
cck_log "$acked acknowledged transactions before the crash, all there after the bootstrap of db$best"
wait_until 10 "bootstrap to say RUNNING" _advice_is "RUNNING db1" 0

# Clean full stop, node1 last: it alone may bootstrap, no recovery needed.
for i in 3 2 1; do node_stop "$i"; done
grep -q '^safe_to_bootstrap: 1' "$CCK_TMP/node1/data/grastate.dat" || fail "node1 was stopped last but is not safe_to_bootstrap"
wait_until 10 "bootstrap to name db1 after a clean stop" _advice_is "BOOTSTRAP db1" 0
advice=$(bootstrap_advice) || true
grep -q "sed -i" <<<"$advice" && fail "bootstrap asks to edit grastate.dat of a node already safe_to_bootstrap: $advice"
node_start 1 --wsrep-new-cluster
nodes_start 2 3
