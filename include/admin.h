/* The operator's intent, from every source at once: the ctl socket
 * (ready/drain/maint), the maintenance file, and SIGTERM's drain before
 * exit. The strongest wins -- maint over drain over ready -- so removing
 * one source never puts a node back that another still holds out. */
#ifndef CLUSTERCHECKD_ADMIN_H
#define CLUSTERCHECKD_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "agent.h"
#include "ctl.h"
#include "health.h"
#include "poller.h"
#include "verdict.h"

struct admin_inputs {
	enum admin_state ctl;   /* the last ctl command */
	char ctl_why[96];       /* who asked, for the logs */
	bool maint_file;        /* the maintenance file exists */
	bool stopping;          /* SIGTERM: draining, then exit */
	unsigned drain_seconds;
};

/* Pure: the resulting state and a one-line reason. */
enum admin_state admin_resolve(const struct admin_inputs *in, const char *maint_file,
			       char *why, size_t why_len);

struct admin;

struct admin *admin_new(struct health *h, const char *maint_file);
void admin_free(struct admin *a);
/* Each returns after the health's state was updated (and logged once). */
void admin_set_ctl(struct admin *a, enum admin_state s, const char *who);
void admin_set_stopping(struct admin *a, unsigned drain_seconds);
/* One stat() of the maintenance file; call it on every main-loop tick. */
void admin_check_file(struct admin *a);
void admin_inputs(struct admin *a, struct admin_inputs *out);

/* The ctl socket's handler (ctx = struct admin): drain/maint/ready change
 * the intent, status reports, notify from mysqld marks it going down and
 * polls now. Needs admin_attach() first. */
void admin_ctl_handler(void *ctx, const struct ctl_request *req, const struct ctl_peer *peer,
		       char *reply, size_t len);
void admin_attach(struct admin *a, struct poller *p, const struct agent_weight_cfg *w);

#endif
