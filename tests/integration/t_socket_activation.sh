# systemd socket activation through systemd-socket-activate: the daemon
# takes its listening socket from LISTEN_FDS (and never opens the one in its
# configuration) and reports READY/STATUS/WATCHDOG/STOPPING over
# NOTIFY_SOCKET; --inetd serves one connection per process both on stdin
# (--inetd -a, like StandardInput=socket) and as fd 3 (-a alone).
# shellcheck source=tests/integration/lib_inetd.sh
source "${BASH_SOURCE[0]%/*}/lib_inetd.sh"

conf=$CCK_TMP/activated.conf
unused=$(cck_spare_port 4)
# The configured address must be ignored in favour of systemd's socket.
(umask 077; cat >"$conf" <<EOF
listen = "127.0.0.1:$unused";
mysql = { socket = "${NODE_SOCK[1]}"; user = "$CCK_DB_USER"; password = "$CCK_DB_PASS"; };
EOF
)

# sd_notify datagrams land in a file, one per line.
notify=$CCK_TMP/notify.sock
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "ab", buffering=0) as f:
    while True:
        f.write(s.recv(4096) + b"\n")
' "$notify" "$CCK_TMP/notify.log" </dev/null >/dev/null 2>&1 &
npid=$!
on_exit "stop_pid $npid 5 notify-receiver"
wait_until 5 "notify socket" test -S "$notify"

port=$(cck_spare_port 5)
systemd-socket-activate -E "NOTIFY_SOCKET=$notify" -E WATCHDOG_USEC=400000 \
	-l "127.0.0.1:$port" "$CCK_BIN" --config "$conf" \
	</dev/null >>"$CCK_TMP/activated.log" 2>&1 &
dpid=$!
on_exit "stop_pid $dpid 10 daemon"
expect_http "$port" 200 '^Galera node is synced\.$' 10 "daemon on the socket from systemd" >/dev/null
port_listening "$unused" && fail "the daemon opened its configured port $unused instead of using LISTEN_FDS"
grep -q "answering on the socket from systemd" "$CCK_TMP/activated.log" ||
	fail "the daemon did not say it uses the socket from systemd: $(tail -3 "$CCK_TMP/activated.log")"
on_exit 'node_sql 1 "SET GLOBAL wsrep_desync=OFF"'
node_sql 1 "SET GLOBAL wsrep_desync=ON"
expect_http "$port" 503 'manually desynced' 3 "daemon (LISTEN_FDS): desynced node1" >/dev/null
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
expect_http "$port" 200 'synced' 3 "daemon (LISTEN_FDS): node1 back" >/dev/null

_notified() { grep -c "^$1" "$CCK_TMP/notify.log" || true; }
_has_notify() { local n; n=$(_notified "$1"); echo "$n x '$1'"; ((n >= ${2:-1})); }
wait_until 3 "READY=1" _has_notify 'READY=1'
wait_until 3 "STATUS= with the verdict" _has_notify 'STATUS=ready (200): Synced'
wait_until 3 "STATUS= following the desync" _has_notify 'STATUS=not ready (503): manually desynced'
# 400 ms watchdog: a ping every 200 ms or so.
wait_until 3 "WATCHDOG=1 pings" _has_notify 'WATCHDOG=1' 3
stop_pid "$dpid" 10 daemon
wait_until 3 "STOPPING=1" _has_notify 'STOPPING=1'
echo "ok: READY=1, STATUS=, $(_notified WATCHDOG=1) WATCHDOG=1, STOPPING=1" >&2

# Per connection, the connection on stdin/stdout (StandardInput=socket).
p2=$(cck_spare_port 6)
systemd-socket-activate --inetd -a -l "127.0.0.1:$p2" "$CCK_BIN" --inetd --config "$(inetd_conf 1)" \
	</dev/null >>"$CCK_TMP/activated-inetd.log" 2>&1 &
ipid=$!
on_exit "stop_pid $ipid 10 systemd-socket-activate"
wait_until 5 "systemd-socket-activate on $p2" port_listening "$p2" "$ipid"
raw_request "$p2" 'OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n' "$CCK_TMP/sa.out"
assert_framed "$CCK_TMP/sa.out" "--inetd on stdin"
[[ $RESP_STATUS == "HTTP/1.1 200 OK" && $RESP_BODY == $'Galera node is synced.\n' ]] ||
	fail "--inetd on stdin: '$RESP_STATUS' '$RESP_BODY'"
echo "ok: Accept=yes, connection on stdin -> $RESP_STATUS" >&2

# Per connection, the connection as fd 3 with LISTEN_FDS=1.
p3=$(cck_spare_port 7)
systemd-socket-activate -a -l "127.0.0.1:$p3" "$CCK_BIN" --inetd --config "$(inetd_conf 1)" \
	</dev/null >>"$CCK_TMP/activated-fd3.log" 2>&1 &
fpid=$!
on_exit "stop_pid $fpid 10 systemd-socket-activate"
wait_until 5 "systemd-socket-activate on $p3" port_listening "$p3" "$fpid"
node_sql 1 "SET GLOBAL wsrep_desync=ON"
got=$(http_get "$p3")
[[ $got == "503 Galera node is not ready: manually desynced (wsrep_desync=ON)" ]] ||
	fail "--inetd with the connection as fd 3, desynced: '$got'"
node_sql 1 "SET GLOBAL wsrep_desync=OFF"
got=$(http_get "$p3")
[[ $got == "200 Galera node is synced." ]] || fail "--inetd with the connection as fd 3: '$got'"
echo "ok: Accept=yes, connection as fd 3 -> 503 desynced, then $got" >&2
