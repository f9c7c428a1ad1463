# shellcheck shell=bash
# HAProxy checks the agents over HTTPS (check-ssl verify required
# ca-file ...): synced nodes are UP, a desynced one goes DOWN and comes
# back. With a CA that did not sign the agents' certificate, every check
# fails as HAProxy reports a failed TLS handshake, and the nodes are DOWN.
source "$CCK_REPO/tests/integration/tls.sh"
tls_ca good
tls_ca other
tls_cert agent good 30 localhost
for a in 1 2 3; do AGENT_EXTRA_CONF=$(tls_conf agent) agent_start "$a"; done

code=$(https_get "${AGENT_PORT[1]}" / good)
[[ $code == "200 Galera node is synced." ]] || fail "agent1 over HTTPS: $code"

opts="inter 500 fastinter 200 rise 1 fall 1"
HAPROXY_SERVER_OPTS="check-ssl verify required ca-file $TLS_DIR/good-ca.pem $opts" haproxy_start
on_exit haproxy_stop
for n in 1 2 3; do wait_haproxy_status "node$n" UP 10 || fail "node$n not UP in HAProxy over HTTPS"; done
[[ $(haproxy_stat_field node1 check_status) == L7OK ]] ||
	fail "node1's check is $(haproxy_stat_field node1 check_status), want L7OK (an HTTP answer over TLS)"

on_exit 'node_sql 2 "SET GLOBAL wsrep_desync=OFF"'
node_sql 2 "SET GLOBAL wsrep_desync=ON"
wait_haproxy_status node2 DOWN 5 || fail "HAProxy did not mark desynced node2 DOWN over HTTPS"
[[ $(haproxy_stat_field node2 check_status) == L7STS ]] ||
	fail "node2's check is $(haproxy_stat_field node2 check_status), want L7STS (a 503 over TLS)"
for n in 1 3; do
	[[ $(haproxy_server_status "node$n") == UP ]] || fail "node$n left UP while node2 was desynced"
done
node_sql 2 "SET GLOBAL wsrep_desync=OFF"
wait_haproxy_status node2 UP 5 || fail "HAProxy did not mark node2 UP again"

# The wrong CA: the same agents, a HAProxy that trusts another CA.
haproxy_stop
HAPROXY_SERVER_OPTS="check-ssl verify required ca-file $TLS_DIR/other-ca.pem $opts" haproxy_start
for n in 1 2 3; do wait_haproxy_status "node$n" DOWN 10 || fail "node$n not DOWN with the wrong CA"; done
st=$(haproxy_stat_field node1 check_status)
echo "node1 with the wrong CA: check_status $st; $(haproxy_stat_field node1 last_chk)" >&2
[[ $st == L6RSP || $st == L4CON ]] || fail "node1's check is $st with the wrong CA, want a layer-6 (TLS) failure"
grep -q 'SSL handshake failure' "$CCK_TMP/haproxy.log" ||
	fail "HAProxy's log does not say 'SSL handshake failure': $(tail -n 5 "$CCK_TMP/haproxy.log")"
# The agents never saw a request: their answers stay as they were.
code=$(https_get "${AGENT_PORT[1]}" / good)
[[ $code == "200 Galera node is synced." ]] || fail "agent1 over HTTPS after the wrong-CA checks: $code"
