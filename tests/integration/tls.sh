# shellcheck shell=bash
# Helpers for the HTTPS scenarios (t_tls_*.sh): private CAs and
# certificates made at test time with openssl in $CCK_TMP/tls (ECDSA
# P-256: cheap handshakes on a small box), never committed; the config
# lines that make an agent serve them; curl and loadgen over HTTPS.
TLS_DIR=$CCK_TMP/tls
mkdir -p "$TLS_DIR"

# tls_ca NAME: a CA, $TLS_DIR/NAME-ca.pem (and .key).
tls_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=clustercheckd test CA $1" -keyout "$TLS_DIR/$1-ca.key" -out "$TLS_DIR/$1-ca.pem" \
		2>"$TLS_DIR/openssl.log" || { cat "$TLS_DIR/openssl.log" >&2; return 1; }
}

# tls_cert NAME CA DAYS [CN|/SUBJECT [EXT]]: $TLS_DIR/NAME.pem and NAME.key
# (mode 600), signed by CA, valid from now for DAYS days (-1: it expired
# yesterday). EXT: openssl extensions, default a server certificate for
# localhost and 127.0.0.1 (a client certificate: "extendedKeyUsage=clientAuth").
tls_cert() {
	local name=$1 ca=$2 days=$3 subj=${4:-$1} ext=${5:-subjectAltName=DNS:localhost,IP:127.0.0.1}
	[[ $subj == /* ]] || subj="/CN=$subj"
	(umask 077; openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$subj" \
		-keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.csr" 2>"$TLS_DIR/openssl.log") &&
		printf '%s\n' "$ext" >"$TLS_DIR/$name.ext" &&
		openssl x509 -req -in "$TLS_DIR/$name.csr" -CA "$TLS_DIR/$ca-ca.pem" -CAkey "$TLS_DIR/$ca-ca.key" \
			-CAcreateserial -days "$days" -extfile "$TLS_DIR/$name.ext" -out "$TLS_DIR/$name.pem" \
			2>>"$TLS_DIR/openssl.log" || { cat "$TLS_DIR/openssl.log" >&2; return 1; }
}

# tls_conf NAME [KEY_NAME]: the config line serving NAME's certificate
# (with KEY_NAME's key, default its own).
tls_conf() {
	echo "http = { tls = { cert = \"$TLS_DIR/$1.pem\"; key = \"$TLS_DIR/${2:-$1}.key\"; client_ca = \"\"; }; };"
}

# https_get PORT PATH CA [curl options] -> "CODE BODY" (000 = no answer)
https_get() {
	local port=$1 path=$2 ca=$3
	shift 3
	code_and_body "$(curl -s --max-time 3 --cacert "$TLS_DIR/$ca-ca.pem" -w '\n%{http_code}' "$@" \
		"https://localhost:$port$path" || true)"
}

# tls_subject PORT: the subject of the certificate the agent serves now
tls_subject() {
	openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null |
		openssl x509 -noout -subject -nameopt RFC2253 2>/dev/null
}
