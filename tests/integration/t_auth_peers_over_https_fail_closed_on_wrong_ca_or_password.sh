# shellcheck shell=bash
# Three cluster-aware agents serving HTTPS (a private CA) with http.auth,
# polling each other at https:// URLs with cluster.tls_ca, cluster.user and
# cluster.password_file: /writer and /cluster work (db1 the writer). An
# agent given a wrong password sees its peers as unknown, "401
# unauthorized" in /cluster, and fails closed on /writer; given the wrong
# CA, the same with "TLS: certificate verify failed". Put right again, it
# sees them again. The writer never changes meanwhile. On the same agents:
# a client certificate the client CA signed, of a configured subject, is a
# credential (one of another CA is not), and /metrics fetched over HTTPS
# with credentials still passes promtool.
# A TLS poll is a handshake more than a plain one: the production
# staleness (3 s), a 2 s poll timeout and a poll a second rather than the
# plain scenarios' 1.5 s / 500 ms / 250 ms, so that sanitized agents on a
# loaded 2-core box (load average 10 seen), all polling from 127.0.0.1
# (one address for the TLS gate's handshake limit), complete them.
CLUSTER_STALE_MS=3000 CLUSTER_TIMEOUT_MS=2000 CLUSTER_FAILBACK_MS=8000
source "$CCK_REPO/tests/integration/cluster_lib.sh"
source "$CCK_REPO/tests/integration/auth_lib.sh"

d=$TLS_DIR
tls_ca ca
tls_ca other
tls_cert agent ca 2 agent
tls_cert scraper ca 2 "/O=db/CN=scraper" "extendedKeyUsage=clientAuth"
tls_cert intruder other 2 "/O=db/CN=scraper" "extendedKeyUsage=clientAuth"
use_https_agents "$d/ca-ca.pem"
auth_user peer
(umask 077; printf '%s\n' "$AUTH_PW" >"$d/peer.pw"; printf 'not-%s\n' "$AUTH_PW" >"$d/wrong.pw")
auth_user prometheus
prom_hash=$AUTH_HASH
peer_hash=$(printf '%s\n' "$(head -n 1 "$d/peer.pw")" | mkpasswd -m bcrypt -R 10 --stdin)

# https_agent_start A CA PASSWORD_FILE
https_agent_start() {
	local conf
	conf="http = { tls = { cert = \"$d/agent.pem\"; key = \"$d/agent.key\"; client_ca = \"$d/ca-ca.pem\"; };
  auth = { users = ( { name = \"peer\"; hash = \"$peer_hash\"; }, { name = \"prometheus\"; hash = \"$prom_hash\"; },
                     { name = \"scraper\"; subject = \"CN=scraper,O=db\"; } ); }; };
$(cluster_conf "db$1" | sed -e 's#http://#https://#g' -e 's/interval_ms = 250;/interval_ms = 1000;/' \
		-e "s#^cluster = {#cluster = { tls_ca = \"$d/$2-ca.pem\"; user = \"peer\"; password_file = \"$3\";#")"
	AGENT_EXTRA_CONF=$conf agent_start "$1"
}

for a in 1 2 3; do https_agent_start "$a" ca "$d/peer.pw"; done
auth_wait_https - "${AGENT_PORT[1]}" /writer 200 '^writer: db1' 30 "agent1's /writer over HTTPS to answer 200"
for a in 2 3; do
	auth_wait_https - "${AGENT_PORT[a]}" /writer 503 '^not writer: db1 is the writer' 30 "agent$a to see db1 the writer over HTTPS"
done
auth_wait_https prometheus "${AGENT_PORT[2]}" /cluster 200 '^cluster seen from db2: writer db1 .*db1 .*ms ago.*db3 .*ms ago' 10 \
	"agent2's /cluster to show every peer answering"
echo "ok: over HTTPS with the CA and the password: db1 the writer, every peer seen" >&2
# The peers' credentials are refused to anyone else, and never logged.
[[ $(auth_https_get - "${AGENT_PORT[1]}" /status) == "401 "* ]] || fail "/status over HTTPS without credentials"
for a in 1 2 3; do
	if grep -qF "$AUTH_PW" "$CCK_LOGDIR/agent$a.log" || grep -qF "$(head -n 1 "$d/peer.pw")" "$CCK_LOGDIR/agent$a.log"; then
		fail "agent$a's log shows a password"
	fi
done

# A client certificate as the credential; only one the client CA signed.
code=$(curl -s --max-time 5 --cacert "$d/ca-ca.pem" --cert "$d/scraper.pem" --key "$d/scraper.key" \
	-o /dev/null -w '%{http_code}' "https://127.0.0.1:${AGENT_PORT[1]}/status" || true)
[[ $code == 200 ]] || fail "/status with the scraper's client certificate: $code"
code=$(curl -s --max-time 5 --cacert "$d/ca-ca.pem" --cert "$d/intruder.pem" --key "$d/intruder.key" \
	-o /dev/null -w '%{http_code}' "https://127.0.0.1:${AGENT_PORT[1]}/status" || true)
[[ $code == 401 || $code == 000 ]] || fail "/status with a certificate of another CA, same subject: $code"
echo "ok: a client certificate of the client CA is a credential; the same subject from another CA is not ($code)" >&2
# promtool, over HTTPS with credentials.
curl -s --max-time 5 --cacert "$d/ca-ca.pem" -K "$CCK_TMP/curl-prometheus.cfg" -o "$CCK_LOGDIR/metrics.txt" \
	"https://127.0.0.1:${AGENT_PORT[1]}/metrics" || fail "/metrics over HTTPS with credentials"
promtool check metrics <"$CCK_LOGDIR/metrics.txt" >"$CCK_LOGDIR/promtool.txt" 2>&1 ||
	fail "promtool check metrics over HTTPS: $(head -c 400 "$CCK_LOGDIR/promtool.txt")"
grep -qx 'galera_wsrep_local_state 4' "$CCK_LOGDIR/metrics.txt" || fail "/metrics over HTTPS lacks the wsrep gauges"
echo "ok: /metrics over HTTPS with credentials passes promtool" >&2

# A wrong password: the peers answer 401, agent2 cannot see them and
# cannot prove db1 is not the writer: 503.
https_agent_start 2 ca "$d/wrong.pw"
auth_wait_https prometheus "${AGENT_PORT[2]}" /cluster 200 \
	'db1 \(priority 1\): unknown: 401 unauthorized.*db3 \(priority 3\): unknown: 401 unauthorized' 15 \
	"agent2's /cluster to show db1 and db3 unknown: 401"
auth_wait_https - "${AGENT_PORT[2]}" /writer 503 '^not writer: cannot see db1 \(401 unauthorized' 10 \
	"agent2's /writer to fail closed on the 401"
auth_wait_https - "${AGENT_PORT[1]}" /writer 200 '^writer: db1' 5 "agent1 still the writer"
echo "ok: wrong password: peers unknown (401), /writer fails closed" >&2

# The wrong CA: the peers' certificate does not verify.
https_agent_start 2 other "$d/peer.pw"
# (/cluster shows each peer's latest failure: one at a time.)
for peer in 'db1 \(priority 1\)' 'db3 \(priority 3\)'; do
	auth_wait_https prometheus "${AGENT_PORT[2]}" /cluster 200 "$peer: unknown: TLS: certificate verify failed" 15 \
		"agent2's /cluster to show ${peer%% *} unknown: TLS"
done
auth_wait_https - "${AGENT_PORT[2]}" /writer 503 '^not writer: cannot see db1 \(' 10 \
	"agent2's /writer to fail closed on the certificate"
got=$(auth_https_get prometheus "${AGENT_PORT[2]}" /cluster)
[[ $got != *' ms ago; '*'db1'* && $got != *'db1 (priority 1): ready'* ]] || fail "agent2 still trusts db1: $got"
auth_wait_https - "${AGENT_PORT[1]}" /writer 200 '^writer: db1' 5 "agent1 still the writer"
# The log has the first failure of each peer (on a loaded box, a timeout
# may come before the certificate is even seen); /cluster the latest.
grep -qE 'peer db1 \(https://127.0.0.1:[0-9]*/status\): (TLS: certificate verify failed|.*timed out|SSL connection timeout)' \
	"$CCK_LOGDIR/agent2.log" || fail "agent2 does not log that it cannot see db1"
echo "ok: wrong CA: peers unknown (TLS), /writer fails closed" >&2

# Right again.
https_agent_start 2 ca "$d/peer.pw"
auth_wait_https prometheus "${AGENT_PORT[2]}" /cluster 200 'writer db1' 15 "agent2's /cluster with the right CA again"
auth_wait_https - "${AGENT_PORT[2]}" /writer 503 '^not writer: db1 is the writer' 15 "agent2 deferring to db1 again"
auth_wait_https prometheus "${AGENT_PORT[2]}" /cluster 200 \
	'1 db1 \(priority 1\): ready \(200\)[^|]* ms ago; in our Primary Component \|.*3 db3 \(priority 3\): ready \(200\)[^|]* ms ago; in our Primary Component' \
	15 "agent2's /cluster to show db1 and db3 answering again"
# agent1 logs every change of its role: it became the writer once and stayed.
roles=$(grep -E 'clustercheckd: (not )?writer' "$CCK_LOGDIR/agent1.log" | grep -v '^.*not writer: not ready: no answer from mysqld yet \[was: starting\]$' || true)
[[ $(grep -c . <<<"$roles") == 1 && $roles == *'writer: db1 (priority 1)'* ]] ||
	fail "agent1's role changed during the scenario: $roles"
