# shellcheck shell=bash
# Bad input: oversized requests, garbage bytes, HTTP/0.9, absurd headers,
# a broken Content-Length. Each gets a 4xx (or 505 for an HTTP version the
# agent does not speak) or a clean close, within the http timeout, never a
# crash or a hang; the agent answers 200 afterwards.
#
# NUL bytes inside header values are the one exception: libmicrohttpd
# 0.9.75 accepts them (RFC 9110 5.5 lets a recipient treat them as
# spaces) and the agent, which reads no header, answers the check. That
# case only has to get a well-formed answer.
agent_start 1
port=${AGENT_PORT[1]}
apid=$(agent_pid 1)
expect_http "$port" 200 '^Galera node is synced\.' 5 "agent1 before" >/dev/null

# send NAME FILE [STATUS_RE]: FILE's bytes to the agent, half-close, read
# the answer; its status must match STATUS_RE (default: 4xx or 505).
send() {
	local name=$1 file=$2 want=${3:-'4[0-9][0-9]|505'} t0 out status
	now_ms; t0=$REPLY
	out=$(timeout 10 socat -t 8 - "TCP:127.0.0.1:$port" <"$file" 2>/dev/null | head -c 300 | tr -d '\0') || true
	now_ms
	status=${out%%$'\r'*}
	status=${status%%$'\n'*}
	echo "$name: $((REPLY - t0)) ms, '${status:-<closed>}'" >&2
	# http.timeout is 5 s; a hang would show up as the 10 s timeout
	((REPLY - t0 < 7000)) || fail "$name: no answer or close within 7 s"
	if [[ $want == 200 ]]; then
		[[ $status =~ ^HTTP/1\.[01]\ 200\  ]] || fail "$name: answered '${status:-<closed>}', want 200"
	else
		[[ -z $status || $status =~ ^HTTP/1\.[01]\ ($want)\  ]] ||
			fail "$name: answered '$status', want ($want) or a clean close"
	fi
	pid_alive "$apid" || fail "$name: the agent died"
}

d=$CCK_LOGDIR
printf 'GET /%s HTTP/1.1\r\nHost: x\r\n\r\n' "$(head -c 1048576 /dev/zero | tr '\0' a)" >"$d/long-url"
{ printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Big: '; head -c 200000 /dev/zero | tr '\0' b; printf '\r\n\r\n'; } >"$d/big-header"
{ printf 'GET / HTTP/1.1\r\nHost: x\r\n'; for i in $(seq 5000); do printf 'X-%d: y\r\n' "$i"; done; printf '\r\n'; } >"$d/many-headers"
head -c 65536 /dev/urandom >"$d/garbage"
printf 'GET /\r\n' >"$d/http09"
printf 'GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n' >"$d/no-colon"
printf 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n' >"$d/negative-length"
printf 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n' >"$d/huge-length"
printf 'GET / HTTP/1.1\r\nHost: x\0y\r\nX: \0\0\0\r\n\r\n' >"$d/nul-bytes"
printf '%s / HTTP/1.1\r\nHost: x\r\n\r\n' "$(head -c 100000 /dev/zero | tr '\0' G)" >"$d/long-method"
printf 'GET / HTTP/9.9\r\nHost: x\r\n\r\n' >"$d/http99"
printf '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' >"$d/tls-hello"

for f in long-url big-header many-headers garbage http09 no-colon negative-length huge-length \
	long-method http99 tls-hello; do
	send "$f" "$d/$f"
done
send nul-bytes "$d/nul-bytes" '200'

# Large but legitimate: 4 KiB of headers still get the real answer (the
# per-connection memory pool is 8 KiB, see src/http.c).
{ printf 'GET / HTTP/1.1\r\nHost: x\r\nX-Large: '; head -c 4096 /dev/zero | tr '\0' c; printf '\r\n\r\n'; } >"$d/large-legal"
send large-legal "$d/large-legal" 200

expect_http "$port" 200 '^Galera node is synced\.' 2 "agent1 after bad input" >/dev/null
[[ $(agent_pid 1) == "$apid" ]] || fail "agent1 was restarted"
