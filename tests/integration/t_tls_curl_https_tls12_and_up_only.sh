# shellcheck shell=bash
# With http.tls set, the agent's port speaks HTTPS only: curl verifying
# the private CA gets the answers (/, /status) over TLS 1.2 and 1.3; a
# client offering only TLS 1.1 gets no handshake;
# plain HTTP on the port gets a 400 saying to use https://.
source "$CCK_REPO/tests/integration/tls.sh"
tls_ca good
tls_cert agent good 30 localhost
AGENT_EXTRA_CONF=$(tls_conf agent) agent_start 1
port=${AGENT_PORT[1]}

r=$(https_get "$port" / good)
[[ $r == "200 Galera node is synced." ]] || fail "GET / over HTTPS: $r"
r=$(https_get "$port" /status good)
[[ ${r%% *} == 200 ]] || fail "GET /status over HTTPS: $r"
jq -e '.ready.code == 200' <<<"${r#* }" >/dev/null || fail "/status over HTTPS is not the JSON report: $r"
r=$(https_get "$port" / good --tlsv1.2 --tls-max 1.2)
[[ $r == "200 Galera node is synced." ]] || fail "GET / over TLS 1.2: $r"
r=$(https_get "$port" / good --tlsv1.3)
[[ $r == "200 Galera node is synced." ]] || fail "GET / over TLS 1.3: $r"
# A certificate the client cannot verify: curl refuses it (the agent's
# side is fine; this proves the checks above did verify).
tls_ca other
r=$(https_get "$port" / other)
[[ ${r%% *} == 000 ]] || fail "curl accepted the agent's certificate with another CA: $r"

# TLS 1.1 offered for real (SECLEVEL=0 lets OpenSSL 3 send it): no
# handshake; TLS 1.2 from the same client works.
out=$(openssl s_client -connect "127.0.0.1:$port" -tls1_1 -cipher 'DEFAULT@SECLEVEL=0' </dev/null 2>&1) || true
echo "openssl s_client -tls1_1: $(grep -m1 -i 'alert\|error\|eof' <<<"$out")" >&2
grep -qi 'no protocols available' <<<"$out" && fail "this OpenSSL did not offer TLS 1.1: the test proves nothing"
grep -q 'no peer certificate available' <<<"$out" || fail "a TLS 1.1 client got a handshake: $out"
grep -q 'Cipher is (NONE)' <<<"$out" || fail "a TLS 1.1 session was established: $out"
out=$(openssl s_client -connect "127.0.0.1:$port" -tls1_2 </dev/null 2>&1) || true
grep -q 'Protocol  *: TLSv1.2' <<<"$out" || fail "openssl s_client -tls1_2 got no TLS 1.2 session: $out"

r=$(http_get "$port" /)
[[ $r == "400 This port speaks HTTPS: use https://." ]] || fail "plain HTTP on the HTTPS port: $r"
# and the port still answers HTTPS afterwards
r=$(https_get "$port" / good)
[[ $r == "200 Galera node is synced." ]] || fail "GET / over HTTPS after plain HTTP: $r"
