# shellcheck shell=bash
# clustercheckd --inetd under a real xinetd serves HTTPS when http.tls is
# set (the process started for the connection does the handshake itself):
# curl verifying the private CA gets the verdict and the exit status
# follows it; a real HAProxy checking with check-ssl verify required
# follows a desync and its undoing.
# shellcheck source=tests/integration/lib_inetd.sh
source "${BASH_SOURCE[0]%/*}/lib_inetd.sh"
source "$CCK_REPO/tests/integration/tls.sh"
tls_ca good
tls_cert agent good 30 localhost
conf=$(inetd_conf 1)
tls_conf agent >>"$conf"
port=${AGENT_PORT[1]}
xinetd_start inetd "$port" "$CCK_BIN" --inetd --config "$conf"
on_exit 'xinetd_stop inetd'

r=$(https_get "$port" / good)
[[ $r == "200 Galera node is synced." ]] || fail "curl over HTTPS through xinetd: '$r'"
wait_xinetd_exit inetd 0 1
tls_ca other
r=$(https_get "$port" / other)
[[ ${r%% *} == 000 ]] || fail "curl trusting another CA accepted the agent's certificate: '$r'"

HAPROXY_SERVER_OPTS="check-ssl verify required ca-file $TLS_DIR/good-ca.pem inter 500 fastinter 200 rise 1 fall 1" haproxy_start
on_exit haproxy_stop
wait_haproxy_status node1 UP 5 || fail "node1 not UP in HAProxy over HTTPS through xinetd"
on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
wait_haproxy_status node1 DOWN 5 || fail "HAProxy did not mark desynced node1 DOWN"
r=$(https_get "$port" / good)
[[ $r == "503 Galera node is not ready: manually desynced (wsrep_desync=ON)" ]] ||
	fail "desynced node1 over HTTPS through xinetd: '$r'"
wait_xinetd_exit inetd 1 1
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
wait_haproxy_status node1 UP 5 || fail "HAProxy did not mark node1 UP again"
