# Rolling restart under load, zero client errors.
#
# A client (bench/cck_load: 4 workers, a NEW connection for every short
# transaction -- START TRANSACTION; INSERT; COMMIT -- 10 ms apart) runs
# through HAProxy (leastconn, httpchk + disable-on-404, agent-check) while
# each node in turn is restarted the supported way:
#   1. `clustercheckd ctl drain`   -> 404 / agent "drain"
#   2. wait until HAProxy has the node out of rotation (NOLB/DRAIN) and its
#      last session has finished (scur = 0 on the stats socket)
#   3. stop mysqld (SIGTERM), start it again, wait until Synced
#   4. `clustercheckd ctl ready`, wait until HAProxy has it UP
# with the default policy.donor: the node serving IST to the one rejoining
# is ready (an IST donor holds no lock; docs/donor.md).
# Target: 0 failed connections, 0 failed transactions.
#
# With DRAIN_BASELINE=1 (bench/bench_rolling_restart.sh), then the same
# restart with the clustercheck baseline (bash + mysql client under xinetd,
# same HAProxy timings, no drain possible: stop, start, wait UP), in the
# same run, with the same load. Both counts are printed; the baseline is
# expected to lose some. A comparison, not a behaviour: the suite leaves it
# to the benchmark.
source "$CCK_REPO/tests/integration/drain_lib.sh"

[[ -x $CCK_REPO/bench/cck_load ]] || fail "bench/cck_load not built (make bench/cck_load)"
load_setup
on_exit 'load_stop ours >/dev/null 2>&1; load_stop baseline >/dev/null 2>&1; baseline_stop'
# nodes left stopped by a failure are restarted by the next cluster_heal

# ---- clustercheckd
drain_agents_start
drain_haproxy_start agent
for n in 1 2 3; do hx_wait galera "node$n" UP 10; done
load_start ours
load_wait_flowing
now_ms; t_ours=$REPLY
for n in 1 2 3; do
	cck_log "node$n: ctl drain"
	agent_ctl "$n" drain >/dev/null
	hx_wait galera "node$n" 'NOLB|DRAIN' 10 || fail "node$n not out of rotation after ctl drain"
	hx_wait_idle galera "node$n" 15 || fail "node$n sessions did not finish"
	cck_log "node$n: out of rotation, no session: stopping mysqld"
	node_stop "$n"
	cck_log "node$n: mysqld stopped, starting"
	node_start "$n"
	cck_log "node$n: Synced, ctl ready"
	agent_ctl "$n" ready >/dev/null
	hx_wait galera "node$n" UP 15 || fail "node$n not UP after restart + ctl ready"
	echo "ok: node$n restarted (drained first)" >&2
done
now_ms; t_ours=$((REPLY - t_ours))
ours=$(load_stop ours)
echo "clustercheckd: $ours (restart of 3 nodes took $((t_ours / 1000)) s)" >&2
[[ -s $CCK_TMP/ours.err ]] && { echo "clustercheckd run, first errors:" >&2; head -n 5 "$CCK_TMP/ours.err" >&2; }

# ---- baseline: clustercheck under xinetd
if [[ ${DRAIN_BASELINE:-0} != 1 ]]; then base="skipped"; else
haproxy_stop
agent_stop_all
baseline_start
drain_haproxy_start baseline
for n in 1 2 3; do hx_wait galera "node$n" UP 10; done
load_start baseline
load_wait_flowing
now_ms; t_base=$REPLY
for n in 1 2 3; do
	node_stop "$n"
	node_start "$n"
	hx_wait galera "node$n" UP 15 || fail "node$n not UP after restart (baseline)"
	echo "ok: node$n restarted (baseline)" >&2
done
now_ms; t_base=$((REPLY - t_base))
base=$(load_stop baseline)
echo "baseline:      $base (restart of 3 nodes took $((t_base / 1000)) s)" >&2
[[ -s $CCK_TMP/baseline.err ]] && { echo "baseline run, first errors:" >&2; head -n 5 "$CCK_TMP/baseline.err" >&2; }
baseline_stop
fi

echo "ROLLING_RESTART clustercheckd $ours"
echo "ROLLING_RESTART baseline $base"
for k in connections transactions; do
	v=$(load_value "$ours" "$k")
	((v > 100)) || fail "clustercheckd run: only $v $k: the load did not run"
done
cf=$(load_value "$ours" connect_failures)
tf=$(load_value "$ours" transaction_failures)
((cf == 0 && tf == 0)) || fail "rolling restart with clustercheckd: $cf failed connections, $tf failed transactions (want 0)"
echo "ok: rolling restart with clustercheckd: 0 failed connections, 0 failed transactions" >&2
