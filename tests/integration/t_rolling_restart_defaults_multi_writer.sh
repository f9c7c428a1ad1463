# A rolling restart with the shipped haproxy/multi-writer.cfg (addresses and
# ports only) and the agents' defaults (policy.donor = "never",
# drain.seconds = 10) costs no client anything: 0 failed connections and 0
# failed transactions for clients opening a connection per transaction and
# for clients keeping theirs (see rolling_restart_shipped in drain_lib.sh).
# The node serving IST to each restarted node is Donor/Desynced for a
# moment: it must stay in the pool, or HAProxy marks it DOWN and
# on-marked-down shutdown-sessions cuts its clients.
source "$CCK_REPO/tests/integration/drain_lib.sh"
rolling_restart_shipped "$CCK_REPO/haproxy/multi-writer.cfg" galera
