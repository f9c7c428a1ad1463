/* /proc/<pid>/cmdline bytes -> is it a donor's SST script, and which
 * method. Checks beyond "no crash": a method is only reported for a donor
 * script, and it is a NUL-terminated string that fits its buffer. */
#include "fuzz_common.h"
#include "sstproc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet_logs();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[SST_PROC_METHOD_MAX];
	enum sst_proc_kind k;

	memset(method, 0x55, sizeof method);
	k = sstproc_classify_cmdline((const char *)data, size, method);
	if (k != SST_PROC_NONE && k != SST_PROC_IST && k != SST_PROC_SST)
		abort();
	if (k == SST_PROC_NONE)
		return 0;
	if (!memchr(method, '\0', sizeof method) || method[0] == '\0')
		abort();
	return 0;
}
