# The same rolling restart as t_rolling_restart_defaults_multi_writer, with
# the shipped haproxy/single-writer-backup.cfg: the writer's clients move to the
# first backup while it restarts, and back after, without an error.
source "$CCK_REPO/tests/integration/drain_lib.sh"
rolling_restart_shipped "$CCK_REPO/haproxy/single-writer-backup.cfg" galera-writer
