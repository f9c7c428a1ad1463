# Every agent on a Synced node answers 200 to what its consumers send:
# curl GET and HEAD, HAProxy's default probe (OPTIONS / HTTP/1.0, no Host,
# lowercase headers, content-length: 0). POST is 405 with Allow; /nope is 404.

SYNCED='^Galera node is synced\.'

for a in 1 2 3; do agent_start "$a"; done

for a in 1 2 3; do
	port=${AGENT_PORT[a]}
	expect_http "$port" 200 "$SYNCED" 5 "agent$a GET /" >/dev/null

	code=$(http_code "$port" / HEAD)
	[[ $code == 200 ]] || fail "agent$a HEAD / answered $code, want 200"

	# HAProxy 2.6 `option httpchk` on the wire
	raw=$(http_raw "$port" 'OPTIONS / HTTP/1.0\r\nconnection: close\r\ncontent-length: 0\r\n\r\n')
	status=${raw%%$'\r'*}
	[[ $status =~ ^HTTP/1\.[01]\ 200 ]] || fail "agent$a raw OPTIONS / HTTP/1.0: status line '$status', response: ${raw:0:300}"
	[[ $raw == *'Galera node is synced.'* ]] || fail "agent$a raw OPTIONS: body lacks 'Galera node is synced.': ${raw:0:300}"

	resp=$(curl -s -i --max-time 2 -X POST --data '' "http://127.0.0.1:$port/") || true
	status=${resp%%$'\r'*}
	[[ $status =~ ^HTTP/1\.[01]\ 405 ]] || fail "agent$a POST /: status line '$status', want 405"
	allow=$(printf '%s\n' "$resp" | tr -d '\r' | sed -n 's/^[Aa]llow:[[:space:]]*//p')
	[[ $allow == *GET* ]] || fail "agent$a POST /: Allow header '$allow' does not list GET; response: ${resp:0:300}"

	code=$(http_code "$port" /nope)
	[[ $code == 404 ]] || fail "agent$a GET /nope answered $code, want 404"
	echo "ok: agent$a: GET/HEAD/OPTIONS 200, POST 405 (Allow: $allow), /nope 404" >&2
done
