# HAProxy (option httpchk, checks on the agents' ports) in front of the 3
# nodes: all UP; desync node1 -> node1 DOWN while node2/3 stay UP and new
# connections through HAProxy avoid node1; restore -> UP.

for a in 1 2 3; do agent_start "$a"; done
haproxy_start
on_exit haproxy_stop
for n in 1 2 3; do wait_haproxy_status "node$n" UP 5 || fail "node$n not UP in HAProxy"; done

# which node does a connection through HAProxy land on?
via_haproxy() {
	timeout 5 mariadb --no-defaults -h 127.0.0.1 -P "$HAPROXY_PORT" -u "$CCK_DB_USER" -p"$CCK_DB_PASS" \
		--connect-timeout=3 -N -B -e 'SELECT @@wsrep_node_name'
}
got=$(via_haproxy) || fail "no SQL connection through HAProxy"
[[ $got == node[123] ]] || fail "through HAProxy: unexpected answer '$got'"

on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
wait_haproxy_status node1 DOWN 5 || fail "HAProxy did not mark desynced node1 DOWN"
for n in 2 3; do
	s=$(haproxy_server_status "node$n")
	[[ $s == UP ]] || fail "node$n is '$s' in HAProxy while node1 is desynced, want UP"
done
for k in 1 2 3 4 5 6; do
	got=$(via_haproxy) || fail "no SQL connection through HAProxy while node1 is DOWN"
	[[ $got == node[23] ]] || fail "connection $k through HAProxy went to '$got' while node1 is DOWN"
done
echo "ok: 6 connections through HAProxy avoided node1" >&2

node_sql 1 "SET GLOBAL wsrep_desync=OFF"
wait_haproxy_status node1 UP 5 || fail "HAProxy did not mark node1 UP again"
