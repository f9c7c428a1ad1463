# clustercheckd --check [--json]: exit 0 ready, 1 not ready (desync),
# 2 could not determine (mysqld unreachable), with the verdict on stdout.
# shellcheck source=tests/integration/lib_inetd.sh
source "${BASH_SOURCE[0]%/*}/lib_inetd.sh"

conf=$(inetd_conf 1)
run_check() { rc=0; out=$("$CCK_BIN" --config "$conf" --check "$@" 2>"$CCK_TMP/check.err") || rc=$?; }

run_check
[[ $rc == 0 && $out == "ready (200): Synced" ]] || fail "synced: exit $rc, '$out'"
echo "ok: synced -> exit 0, '$out'" >&2
run_check --json
((rc == 0)) || fail "--json, synced: exit $rc"
code=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["ready"]["code"], d["facts"]["wsrep_local_state"], d["mysqld"]["outcome"])')
[[ $code == "200 4 answered" ]] || fail "--json, synced: ready.code/facts/mysqld = '$code'"
echo "ok: --json -> $code" >&2

on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
run_check
[[ $rc == 1 && $out == "not ready (503): manually desynced (wsrep_desync=ON)" ]] ||
	fail "desynced: exit $rc, '$out'"
echo "ok: desynced -> exit 1, '$out'" >&2
node_sql 1 "SET GLOBAL wsrep_desync=OFF"

run_check --socket "$CCK_TMP/no-such.sock"
[[ $rc == 2 && $out == "not ready (503): mysqld unreachable: "* ]] || fail "unreachable: exit $rc, '$out'"
echo "ok: unreachable -> exit 2, '$out'" >&2
run_check --json --socket "$CCK_TMP/no-such.sock"
((rc == 2)) || fail "--json, unreachable: exit $rc"
