# clustercheckd --inetd under a real xinetd, against node1: a curl GET, the
# exact probe HAProxy sends, a real HAProxy following a desync and its
# undoing, exit statuses 0/1, and nothing but the HTTP answer on the
# connection even while it logs errors.
# shellcheck source=tests/integration/lib_inetd.sh
source "${BASH_SOURCE[0]%/*}/lib_inetd.sh"

conf=$(inetd_conf 1)
# On agent1's port, so that haproxy_start checks node1 through xinetd.
port=${AGENT_PORT[1]}
xinetd_start inetd "$port" "$CCK_BIN" --inetd --config "$conf"
on_exit 'xinetd_stop inetd'

got=$(http_get "$port")
[[ $got == "200 Galera node is synced." ]] || fail "curl GET through xinetd: '$got'"
echo "ok: GET -> $got" >&2

# HAProxy's default check, byte for byte: HTTP/1.0, OPTIONS, lowercase
# headers, no Host.
raw_request "$port" 'OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n' "$CCK_TMP/probe.out"
assert_framed "$CCK_TMP/probe.out" "HAProxy probe"
[[ $RESP_STATUS == "HTTP/1.1 200 OK" ]] || fail "HAProxy probe: status '$RESP_STATUS'"
[[ $RESP_BODY == $'Galera node is synced.\n' ]] || fail "HAProxy probe: body '$RESP_BODY'"
echo "ok: HAProxy's probe -> $RESP_STATUS, Content-Length $RESP_CLEN exact" >&2
wait_xinetd_exit inetd 0 2

# A real HAProxy follows node1 through the per-connection agent.
haproxy_start
on_exit haproxy_stop
wait_haproxy_status node1 UP 5 || fail "node1 not UP in HAProxy through xinetd"
on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
wait_haproxy_status node1 DOWN 5 || fail "HAProxy did not mark desynced node1 DOWN"
got=$(http_get "$port")
[[ $got == "503 Galera node is not ready: manually desynced (wsrep_desync=ON)" ]] ||
	fail "desynced node1 through xinetd: '$got'"
wait_xinetd_exit inetd 1 1
echo "ok: desynced -> DOWN in HAProxy, $got, exit status 1" >&2
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
wait_haproxy_status node1 UP 5 || fail "HAProxy did not mark node1 UP again"
haproxy_stop

# Errors are logged (syslog), never written to the client: an unreachable
# mysqld with --debug still gives exactly one well-framed 503.
bad=$(cck_spare_port 1)
xinetd_start inetd_bad "$bad" "$CCK_BIN" --inetd --debug --config "$conf" --socket "$CCK_TMP/no-such.sock"
on_exit 'xinetd_stop inetd_bad'
raw_request "$bad" 'GET / HTTP/1.0\r\n\r\n' "$CCK_TMP/bad.out"
assert_framed "$CCK_TMP/bad.out" "unreachable mysqld"
[[ $RESP_STATUS == "HTTP/1.1 503 Service Unavailable" ]] || fail "unreachable mysqld: '$RESP_STATUS'"
[[ $RESP_BODY == "Galera node is not ready: mysqld unreachable: "*"no-such.sock"* ]] ||
	fail "unreachable mysqld: body '$RESP_BODY'"
wait_xinetd_exit inetd_bad 1 1
echo "ok: unreachable mysqld -> one framed 503, nothing else on the wire" >&2

# A configuration that cannot be used is still an HTTP answer, not a reset.
xinetd_stop inetd_bad
xinetd_start inetd_bad "$bad" "$CCK_BIN" --inetd --config "$CCK_TMP/no-such.conf"
raw_request "$bad" 'GET / HTTP/1.0\r\n\r\n' "$CCK_TMP/badconf.out"
assert_framed "$CCK_TMP/badconf.out" "unusable configuration"
[[ $RESP_STATUS == "HTTP/1.1 503 Service Unavailable" && $RESP_BODY == *"configuration is not usable"* ]] ||
	fail "unusable configuration: '$RESP_STATUS' '$RESP_BODY'"
echo "ok: unusable configuration -> 503 '$RESP_BODY'" >&2
