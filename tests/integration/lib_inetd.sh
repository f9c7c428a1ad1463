# shellcheck shell=bash
# Helpers for the scenarios of the one-shot modes (xinetd, the clustercheck
# drop-in, systemd socket activation, --check). Sourced by those t_*.sh
# after lib.sh; everything lives in $CCK_TMP and is stopped by pid.

# inetd_conf NODE -> path of a clustercheckd config (0600) for that node.
inetd_conf() {
	local f=$CCK_TMP/inetd-node$1.conf
	(
		umask 077
		cat >"$f" <<EOF
mysql = { socket = "${NODE_SOCK[$1]}"; user = "$CCK_DB_USER"; password = "$CCK_DB_PASS"; };
log = "syslog";
EOF
	)
	echo "$f"
}

# How many servers of xinetd NAME exited with STATUS so far.
xinetd_exits() { grep -c "EXIT: $1 status=$2 " "$CCK_TMP/xinetd-$1.log" 2>/dev/null || true; }
_xinetd_exits_reach() { local n; n=$(xinetd_exits "$1" "$2"); echo "$n exits with status $2"; ((n >= $3)); }
# wait_xinetd_exit NAME STATUS COUNT: until COUNT servers exited with STATUS.
wait_xinetd_exit() { wait_until 5 "xinetd $1: $3 exit(s) with status $2" _xinetd_exits_reach "$1" "$2" "$3"; }

# raw_request PORT BYTES FILE: the whole raw response, byte for byte, in FILE.
raw_request() {
	# shellcheck disable=SC2059
	printf "$2" | timeout 5 socat -t 3 - "TCP:127.0.0.1:$1" >"$3" || true
}

# response_parts FILE: sets RESP_STATUS (status line), RESP_BODY (the
# bytes after the blank line, exact) and RESP_CLEN (Content-Length).
response_parts() {
	local all
	all=$(cat "$1"; echo x)
	all=${all%x}
	RESP_STATUS=${all%%$'\r\n'*}
	RESP_BODY=${all#*$'\r\n\r\n'}
	RESP_CLEN=$(grep -ai '^content-length:' "$1" | tr -dc '0-9')
}

# assert_framed FILE "what": one well-framed HTTP/1.1 response and nothing
# else (Content-Length equals the body's length in bytes).
assert_framed() {
	local n
	response_parts "$1"
	[[ $RESP_STATUS =~ ^HTTP/1\.1\ [0-9]{3}\  ]] ||
		fail "$2: response does not start with a status line: $(head -c 80 "$1" | od -c | head -3)"
	[[ -n $RESP_CLEN ]] || fail "$2: no Content-Length"
	n=$(printf '%s' "$RESP_BODY" | LC_ALL=C wc -c)
	((n == RESP_CLEN)) || fail "$2: Content-Length $RESP_CLEN but $n body bytes: $(od -c "$1" | tail -4)"
}
