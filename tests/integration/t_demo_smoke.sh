# `make demo` cannot rot silently: run scripts/demo.sh non-interactively
# (DEMO_SMOKE=1: its own sandbox cluster, agents, HAProxy, the scripted
# drain and restore), then check it left no process behind.
out=$CCK_LOGDIR/demo.out
DEMO_SMOKE=1 CCK_BIN="$CCK_BIN" timeout 420 "$CCK_REPO/scripts/demo.sh" >"$out" 2>&1 || {
	tail -n 30 "$out" >&2
	fail "scripts/demo.sh (DEMO_SMOKE=1) failed"
}
grep -q 'demo smoke test: drain and restore seen by HAProxy, writer failover to node2: ok' "$out" || fail "demo did not report the drain/restore and the failover"
grep -q 'GET /writer on node2: 200 writer: db2 (priority 2)' "$out" || fail "demo never showed node2 taking the writes"
grep -q '^    cluster seen from db2: writer db1$' "$out" || fail "demo never showed /cluster"
grep -q 'HAProxy: node1 NOLB\|HAProxy: node1 DRAIN' "$out" || fail "demo never showed node1 out of rotation"
tmp=$(sed -n 's/.*cluster of 3 Synced nodes up in .* (ports from [0-9]*, \(.*\))$/\1/p' "$out")
[[ -n $tmp ]] || fail "cannot find the demo's sandbox directory in its output"
[[ ! -e $tmp ]] || fail "demo left its sandbox $tmp behind"
echo "ok: demo ran, drained node1 and restored it, cleaned up $tmp" >&2
