/* A TLS port's first bytes -> the gate's verdict. Checks beyond "no
 * crash": the verdict never goes back from "not TLS" or "complete" as more
 * bytes arrive (the gate acts on it at once), and "complete" needs at
 * least the record the header announces. */
#include "fuzz_common.h"
#include "tls.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum tls_hello before = TLS_HELLO_MORE;

	for (size_t n = 0; n <= size; n++) {
		enum tls_hello h = tls_hello_state(data, n);

		if (before != TLS_HELLO_MORE && h != before)
			abort();
		if (h == TLS_HELLO_COMPLETE && (n < 5 || n < 5 + ((size_t)data[3] << 8 | data[4])))
			abort();
		before = h;
	}
	return 0;
}
