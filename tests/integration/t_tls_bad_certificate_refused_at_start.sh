# shellcheck shell=bash
# A certificate that cannot be served stops the start (and fails
# --check-config) with the config file and line of the key at fault and
# the reason: expired, a key that does not match, a key others can read,
# a missing file. Nothing listens.
source "$CCK_REPO/tests/integration/tls.sh"
tls_ca good
tls_cert expired good -1 expired
tls_cert one good 30 one
tls_cert two good 30 two
port=${AGENT_PORT[1]}
conf=$CCK_TMP/tls-agent.conf

# refused CERT KEY EXPECTED_MESSAGE
refused() {
	local out rc=0
	cat >"$conf" <<CONF
listen = "127.0.0.1:$port";
ctl = { socket = ""; };
http = { tls = {
	cert = "$1";
	key = "$2";
}; };
CONF
	out=$("$CCK_BIN" --config "$conf" --check-config 2>&1) && fail "--check-config accepted $1 / $2"
	[[ $out == *"$3"* ]] || fail "--check-config for $1 / $2 said: $out; want: $3"
	out=$(timeout 10 "$CCK_BIN" --config "$conf" 2>&1) || rc=$?
	((rc != 0 && rc != 124)) || fail "the agent did not refuse to start with $1 / $2 (exit $rc)"
	[[ $out == *"$3"* ]] || fail "the agent said: $out; want: $3"
	[[ $(http_code "$port") == 000 ]] || fail "something answers on port $port"
	echo "ok: refused: $3" >&2
}

refused "$TLS_DIR/expired.pem" "$TLS_DIR/expired.key" \
	"$conf:4: http.tls.cert: $TLS_DIR/expired.pem: the certificate (CN=expired) expired on"
refused "$TLS_DIR/one.pem" "$TLS_DIR/two.key" \
	"$conf:5: http.tls.key: $TLS_DIR/two.key does not match the certificate in $TLS_DIR/one.pem"
refused "$TLS_DIR/one.pem" "$TLS_DIR/missing.key" \
	"$conf:5: http.tls.key: cannot read $TLS_DIR/missing.key: No such file or directory"
chmod 644 "$TLS_DIR/one.key"
refused "$TLS_DIR/one.pem" "$TLS_DIR/one.key" \
	"$conf:5: http.tls.key: $TLS_DIR/one.key is readable by others (mode 0644): chmod o-r it"
chmod 600 "$TLS_DIR/one.key"

# The same files, fixed, start.
out=$("$CCK_BIN" --config "$conf" --check-config 2>&1) || fail "--check-config refused the good pair: $out"
