/* cck_load: the client side of the rolling-restart proof. Each worker
 * loops: new connection, one short transaction (BEGIN, INSERT, COMMIT),
 * close -- the pattern that exposes a load balancer sending a connection
 * to a node that is going down. Every failure is counted and the first
 * ones are printed with a timestamp, so the counts can be trusted.
 *
 * With --lifetime-ms L a worker keeps its connection for L ms and runs its
 * transactions on it, as a pool with a maximum connection lifetime does;
 * an error on it (the server or the load balancer closed it) is a failed
 * transaction: nothing is retried or hidden.
 *
 *   cck_load --host H --port P --user U [--threads N] [--pause-ms MS]
 *            [--lifetime-ms L] [--stop-file F]  (password from $CCK_LOAD_PASSWORD)
 *            [--persistent] keep one connection per worker (reconnect after an error)
 *            [--hot]        each transaction also updates one shared row (cck.hot)
 *            [--acked F]    append "run worker seq" for every acknowledged COMMIT
 * Runs until SIGTERM/SIGINT or until F exists; prints one summary line:
 *   connections=N connect_failures=X transactions=Y transaction_failures=Z
 */
#include <errno.h>
#include <mysql.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64
#define MAX_REPORTED 20

static const char *host = "127.0.0.1", *user = "load", *password = "", *stop_file;
static bool persistent, hot;
static FILE *acked;
static pthread_mutex_t acked_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned port = 3306, pause_ms = 10, lifetime_ms;
static atomic_bool stop;
static long long run_id; /* keys are unique per run: no two inserts collide */
static atomic_long connections, connect_failures, transactions, transaction_failures, reported;

static void report(const char *what, MYSQL *m)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	if (atomic_fetch_add(&reported, 1) >= MAX_REPORTED)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof when, "%H:%M:%S", &tm);
	fprintf(stderr, "[%s.%03ld] %s failed: %s (%u)\n", when, ts.tv_nsec / 1000000, what,
		mysql_error(m), mysql_errno(m));
}

static bool run_query(MYSQL *m, const char *q)
{
	if (mysql_real_query(m, q, strlen(q)) != 0)
		return false;
	MYSQL_RES *r = mysql_store_result(m);
	if (r)
		mysql_free_result(r);
	return mysql_errno(m) == 0;
}

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static MYSQL *connect_one(void)
{
	unsigned timeout = 5;
	MYSQL *m = mysql_init(NULL);

	if (!m)
		return NULL;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	atomic_fetch_add(&connections, 1);
	if (!mysql_real_connect(m, host, user, password, "cck", port, NULL, 0)) {
		atomic_fetch_add(&connect_failures, 1);
		report("connect", m);
		mysql_close(m);
		return NULL;
	}
	return m;
}

static void *worker(void *arg)
{
	long id = (long)arg, seq = 0;
	char q[128];
	MYSQL *m = NULL;
	long long opened = 0;

	mysql_thread_init();
	while (!atomic_load(&stop)) {
		if (m && !persistent && (!lifetime_ms || mono_ms() - opened >= lifetime_ms)) {
			mysql_close(m);
			m = NULL;
		}
		if (!m) {
			opened = mono_ms();
			m = connect_one();
		}
		if (m) {
			snprintf(q, sizeof q, "INSERT INTO load_rows (run, worker, seq) VALUES (%lld, %ld, %ld)",
				 run_id, id, ++seq);
			if (run_query(m, "START TRANSACTION") && run_query(m, q) &&
			    (!hot || run_query(m, "UPDATE hot SET n = n + 1 WHERE id = 1")) &&
			    run_query(m, "COMMIT")) {
				atomic_fetch_add(&transactions, 1);
				if (acked) {
					pthread_mutex_lock(&acked_lock);
					fprintf(acked, "%lld %ld %ld\n", run_id, id, seq);
					pthread_mutex_unlock(&acked_lock);
				}
			} else {
				atomic_fetch_add(&transaction_failures, 1);
				report("transaction", m);
				/* After an error the session's state is unknown. */
				mysql_close(m);
				m = NULL;
			}
		}
		if (pause_ms)
			usleep(pause_ms * 1000);
	}
	if (m)
		mysql_close(m);
	mysql_thread_end();
	return NULL;
}

static void *stop_watch(void *arg)
{
	sigset_t *sigs = arg;
	struct timespec tick = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
	struct stat st;

	while (!atomic_load(&stop)) {
		int sig = sigtimedwait(sigs, NULL, &tick);
		if (sig == SIGTERM || sig == SIGINT || (stop_file && stat(stop_file, &st) == 0))
			atomic_store(&stop, true);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t threads[MAX_THREADS], watcher;
	long nthreads = 4;
	sigset_t sigs;

	for (int i = 1; i < argc; i += 2) {
		if (strcmp(argv[i], "--persistent") == 0) {
			persistent = true;
			i--;
			continue;
		}
		if (strcmp(argv[i], "--hot") == 0) {
			hot = true;
			i--;
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "cck_load: %s needs a value\n", argv[i]);
			return 2;
		}
		if (strcmp(argv[i], "--acked") == 0) {
			acked = fopen(argv[i + 1], "a");
			if (!acked) {
				perror(argv[i + 1]);
				return 2;
			}
		} else if (strcmp(argv[i], "--host") == 0)
			host = argv[i + 1];
		else if (strcmp(argv[i], "--port") == 0)
			port = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else if (strcmp(argv[i], "--threads") == 0)
			nthreads = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--pause-ms") == 0)
			pause_ms = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--lifetime-ms") == 0)
			lifetime_ms = (unsigned)atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--stop-file") == 0)
			stop_file = argv[i + 1];
		else {
			fprintf(stderr, "cck_load: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > MAX_THREADS) {
		fprintf(stderr, "cck_load: --threads 1..%d\n", MAX_THREADS);
		return 2;
	}
	if (getenv("CCK_LOAD_PASSWORD"))
		password = getenv("CCK_LOAD_PASSWORD");
	/* Signals are taken by the watcher thread only, synchronously. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	{
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		run_id = (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	}
	if (mysql_library_init(0, NULL, NULL) != 0)
		return 1;
	pthread_create(&watcher, NULL, stop_watch, &sigs);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker, (void *)i);
	for (long i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	atomic_store(&stop, true);
	pthread_join(watcher, NULL);
	if (acked)
		fclose(acked);
	printf("connections=%ld connect_failures=%ld transactions=%ld transaction_failures=%ld\n",
	       atomic_load(&connections), atomic_load(&connect_failures), atomic_load(&transactions),
	       atomic_load(&transaction_failures));
	fflush(stdout);
	mysql_library_end();
	return 0;
}
