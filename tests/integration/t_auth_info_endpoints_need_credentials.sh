# shellcheck shell=bash
# With a user in http.auth (protect = "info", the default): the probes (/,
# /ready, /live, /writer: status code and one-line reason) answer without
# credentials; /status, /metrics, /cluster, the ?verbose forms and JSON
# answers get 401 with WWW-Authenticate when the credential is missing,
# malformed, of an unknown user or wrong, and their usual answer with the
# right one. Every refusal is counted by reason in /metrics (which promtool
# still validates); the log shows neither the password nor the header.
# protect = "all" closes the probes too; "none" opens everything.
source "$CCK_REPO/tests/integration/auth_lib.sh"

auth_user prometheus
users="users = ( { name = \"prometheus\"; hash = \"$AUTH_HASH\"; } );"
AGENT_EXTRA_CONF="http = { auth = { $users }; };" agent_start 1
port=${AGENT_PORT[1]}
log=${CCK_LOGDIR:-$CCK_TMP}/agent1.log
expect_http "$port" 200 '^Galera node is synced\.' 10 "agent1 synced" >/dev/null

# The probes: open, with their one-line reason.
for path in / /ready /live; do
	got=$(http_get "$port" "$path")
	[[ $got == "200 Galera node is "* ]] || fail "GET $path without credentials: '$got'"
done
# Not cluster-aware here: /writer says so, it is not refused.
code=$(auth_code - "$port" /writer)
[[ $code == 404 ]] || fail "GET /writer without credentials: $code"
echo "ok: /, /ready, /live, /writer answer without credentials" >&2

# The informative answers: 401 and a Basic challenge, for every way of
# not having the right credential.
info=(/status /metrics /cluster '/?verbose' '/ready?verbose' '/live?verbose' '/writer?verbose')
missing=0
for path in "${info[@]}"; do
	hdr=$(curl -s --max-time 5 -D - -o /dev/null "http://127.0.0.1:$port$path" | tr -d '\r')
	[[ $hdr == 'HTTP/1.1 401 '* ]] || fail "GET $path without credentials: $(head -n 1 <<<"$hdr")"
	grep -qx 'WWW-Authenticate: Basic realm="clustercheckd", charset="UTF-8"' <<<"$hdr" ||
		fail "GET $path: 401 without the Basic challenge: $hdr"
	missing=$((missing + 1))
done
code=$(auth_code - "$port" / -H 'Accept: application/json')
[[ $code == 401 ]] || fail "GET / asking for JSON without credentials: $code"
missing=$((missing + 1))
body=$(curl -s --max-time 5 "http://127.0.0.1:$port/status")
[[ $body == 'Unauthorized: /status needs credentials.' ]] || fail "401 body: '$body'"
missing=$((missing + 1))
printf 'user = "prometheus:wrong-%s"\n' "$RANDOM" >"$CCK_TMP/curl-wrong.cfg"
printf 'user = "nobody:%s"\n' "$AUTH_PW" >"$CCK_TMP/curl-nobody.cfg"
chmod 600 "$CCK_TMP"/curl-*.cfg
for path in /status /metrics; do
	[[ $(auth_code wrong "$port" "$path") == 401 ]] || fail "GET $path with a wrong password was not refused"
	[[ $(auth_code nobody "$port" "$path") == 401 ]] || fail "GET $path as an unknown user was not refused"
	[[ $(auth_code - "$port" "$path" -H 'Authorization: Bearer abc') == 401 ]] ||
		fail "GET $path with a Bearer token was not refused"
	[[ $(auth_code - "$port" "$path" -H 'Authorization: Basic !!!!') == 401 ]] ||
		fail "GET $path with bad base64 was not refused"
done
echo "ok: ${#info[@]} informative paths and JSON refused without the right credential" >&2

# The right credential: the usual answers.
status=$(auth_curl prometheus "http://127.0.0.1:$port/status")
jq -e '.ready.code == 200 and .facts.wsrep_local_state == 4' <<<"$status" >/dev/null ||
	fail "/status with credentials: $(head -c 300 <<<"$status")"
for path in '/ready?verbose' '/live?verbose' '/?verbose'; do
	[[ $(auth_code prometheus "$port" "$path") == 200 ]] || fail "GET $path with credentials"
done
[[ $(auth_code prometheus "$port" /cluster) == 404 ]] || fail "GET /cluster with credentials was refused"
[[ $(auth_code prometheus "$port" / -H 'Accept: application/json') == 200 ]] || fail "GET / as JSON with credentials"

auth_curl prometheus -o "$CCK_LOGDIR/metrics.txt" "http://127.0.0.1:$port/metrics" || fail "GET /metrics with credentials"
promtool check metrics <"$CCK_LOGDIR/metrics.txt" >"$CCK_LOGDIR/promtool.txt" 2>&1 ||
	fail "promtool check metrics: $(head -c 400 "$CCK_LOGDIR/promtool.txt")"
m=$CCK_LOGDIR/metrics.txt
for want in "missing $missing" "wrong_password 2" "unknown_user 2" "malformed 4" "busy 0"; do
	got=$(unauthorized_count "$m" "${want% *}")
	[[ $got == "${want#* }" ]] || fail "clustercheckd_http_unauthorized_total{reason=\"${want% *}\"} is '$got', want ${want#* }"
done
grep -qx 'clustercheckd_http_requests_total{endpoint="/status",code="401"} 6' "$m" ||
	fail "/metrics does not count the six 401s of /status: $(grep 'endpoint="/status"' "$m")"
echo "ok: refusals counted by reason in /metrics, which passes promtool" >&2

# Refusals are logged, summarised; never the password or the header.
grep -q 'http: /status from 127.0.0.1 refused: no credentials' "$log" || fail "no log line for a refusal"
grep -q 'refused: a wrong password for user "prometheus"' "$log" || fail "no log line for a wrong password"
if grep -qF -e "${AUTH_PW#pw:}" -e 'Basic' -e 'Bearer' -e '!!!!' -e 'nobody' "$log"; then
	fail "the log shows a credential: $(grep -F -e "${AUTH_PW#pw:}" -e Basic -e Bearer -e nobody "$log" | head -n 2)"
fi
n=$(grep -c 'refused' "$log")
assert_le "$n" 5 "log lines for $((missing + 8)) refusals"

# protect = "all": the probes need the credential too.
AGENT_EXTRA_CONF="http = { auth = { $users protect = \"all\"; }; };" agent_start 1
[[ $(auth_code - "$port" /ready) == 401 ]] || fail "protect all: /ready without credentials"
[[ $(auth_code - "$port" /) == 401 ]] || fail "protect all: / without credentials"
body=$(auth_curl prometheus "http://127.0.0.1:$port/")
[[ $body == 'Galera node is synced.' ]] || fail "protect all: / with credentials: '$body'"
# protect = "none": nothing is asked.
AGENT_EXTRA_CONF="http = { auth = { $users protect = \"none\"; }; };" agent_start 1
[[ $(auth_code - "$port" /status) == 200 ]] || fail "protect none: /status without credentials"
echo "ok: protect all closes the probes, none opens everything" >&2
