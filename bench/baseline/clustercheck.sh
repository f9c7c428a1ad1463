#!/bin/bash
# The baseline every benchmark and comparison runs against: what Percona's
# clustercheck does per check (olafz/percona-clustercheck and the PXC copy),
# rewritten here from its documented behaviour: run under xinetd, one bash +
# one mysql client + one new MySQL connection per check, request never read,
# response echoed, `sleep 0.1` before exit. Credentials come from a
# defaults-extra-file (clustercheck's "-" form), never from argv.
#
# usage (xinetd server_args): clustercheck.sh <defaults-extra-file> [available_when_donor] [available_when_readonly]
DEFAULTS_EXTRA_FILE=${1:?defaults-extra-file}
AVAILABLE_WHEN_DONOR=${2:-0}
AVAILABLE_WHEN_READONLY=${3:-1}
TIMEOUT=10
MYSQL_CMDLINE="mysql --defaults-extra-file=$DEFAULTS_EXTRA_FILE -nNE --connect-timeout=$TIMEOUT"

reply() { # status, body
	local len=$(( ${#2} + 2 ))
	echo -en "HTTP/1.1 $1\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: $len\r\n\r\n$2\r\n"
	sleep 0.1
	exit "$3"
}

# -nNE prints, per statement, a row marker, the name, then the value:
# the values are lines 3 and 6.
WSREP_STATUS=($($MYSQL_CMDLINE -e "SHOW GLOBAL STATUS LIKE 'wsrep_local_state'; SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status';" 2>/dev/null | sed -n -e '3p;6p'))
if [[ "${WSREP_STATUS[1]}" == "Primary" && ( "${WSREP_STATUS[0]}" -eq 4 || ( "${WSREP_STATUS[0]}" -eq 2 && $AVAILABLE_WHEN_DONOR -eq 1 ) ) ]]; then
	if [[ $AVAILABLE_WHEN_READONLY -eq 0 ]]; then
		READ_ONLY=$($MYSQL_CMDLINE -e "SHOW GLOBAL VARIABLES LIKE 'read_only';" 2>/dev/null | tail -1)
		[[ "$READ_ONLY" == "ON" ]] && reply "503 Service Unavailable" "Percona XtraDB Cluster Node is read-only." 1
	fi
	reply "200 OK" "Percona XtraDB Cluster Node is synced." 0
fi
reply "503 Service Unavailable" "Percona XtraDB Cluster Node is not synced." 1
