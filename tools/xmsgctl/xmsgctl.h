/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsgctl: what its files share.
 *
 * The command line is OBJECT COMMAND [ARGS] [OPTIONS].  Each object (pool,
 * xchg, sem, msg, ring, nic, feature) lives in its own file with a table of
 * its commands, a table of its options and an option parser; main.c has the
 * global options, the list of objects and the dispatch, and renders every
 * help text from these tables.
 */
#ifndef XMSGCTL_H
#define XMSGCTL_H

#include <stdbool.h>
#include <stdint.h>
#include "libxmsg.h"

/* exit codes */
#define EX_OK		0	/* success */
#define EX_ERR		1	/* an operation failed */
#define EX_USAGE	2	/* bad command line */
#define EX_EMPTY	3	/* timeout, or nothing to receive / wait for */
#define EX_NOENT	4	/* no such object (or no /dev/xmsg) */
#define EX_PERM		5	/* permission denied */

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/*
 * Default of -T/--timeout (milliseconds) for every command that can wait
 * (msg recv, ring read, sem wait): do not block.  -1 waits forever.
 */
#define CTL_TIMEOUT_DEFAULT	0

struct ctl_obj;

/**
 * struct ctl_opt - one option of an object (or a global one)
 * @name: long name (--name)
 * @key: short letter (-k)
 * @arg: name of its argument in the help, NULL for a flag
 * @help: one line
 */
struct ctl_opt {
	const char *name;
	int key;
	const char *arg;
	const char *help;
};

/**
 * struct ctl_cmd - one command of an object
 * @name: the command word
 * @fn: runs it on the arguments left once the options are taken out; it
 *	opens the device, if it needs it, with ctl_xm()
 * @args: synopsis of the arguments ("NAME BLOCK_SIZE COUNT")
 * @keys: letters of the object's options this command takes
 * @help: what it does (may run over several lines)
 * @min_args: fewest arguments
 * @max_args: most arguments, -1 for any number
 * @flags: CTL_ALIAS or 0
 */
struct ctl_cmd {
	const char *name;
	int (*fn)(const struct ctl_obj *obj, int argc, char **argv);
	const char *args;
	const char *keys;
	const char *help;
	int min_args;
	int max_args;
	unsigned int flags;
};

#define CTL_ALIAS	0x1	/* another name of the command before it */

/**
 * struct ctl_obj - an object of the command line
 * @name: the object word
 * @aliases: other words for it (NULL-terminated), or NULL
 * @type: XMSG_TYPE_* for named kernel objects, else 0
 * @summary: one line
 * @cmds: its commands, ending with an entry whose @name is NULL
 * @opts: its options, ending with an entry whose @name is NULL
 * @parse: takes option @key (one of @opts) with argument @arg (NULL for a
 *	flag); returns 0 or, after saying why, EX_USAGE.  NULL without @opts
 * @bare_cmd: the command run when the word after the object is none of
 *	its commands (that word is then the first argument), or NULL
 * @examples: lines for the examples section of the help
 * @show: named objects: print @in (text)
 * @show_short: named objects: the state in one line (list)
 * @show_json: named objects: the counters of @in as JSON members
 */
struct ctl_obj {
	const char *name;
	const char *const *aliases;
	uint32_t type;
	const char *summary;
	const struct ctl_cmd *cmds;
	const struct ctl_opt *opts;
	int (*parse)(int key, const char *arg);
	const char *bare_cmd;
	const char *examples;
	void (*show)(const struct xmsg_info *in);
	void (*show_short)(const struct xmsg_info *in);
	void (*show_json)(const struct xmsg_info *in);
};

/* The objects, in help order, ending with NULL. */
extern const struct ctl_obj *const ctl_objects[];
/* Options of every command: -d, -j, -h (and -V before a command). */
extern const struct ctl_opt ctl_global_opts[];

extern const struct ctl_obj pool_object, xchg_object, sem_object,
	msg_object, ring_object, nic_object, feature_object, heap_object;

/* main.c: global state set by the global options */
extern const char *ctl_prog;
extern const char *ctl_device;
extern bool ctl_json;
/* The open device (opened at the first call; exits if it cannot be). */
struct xm *ctl_xm(void);

/* common.c: errors */
int ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_exit_code(int err);
int ctl_fail(int err, const char *what, const char *name);

/* common.c: parsing an option's argument; 0 or EX_USAGE (said why) */
int ctl_parse_u32(const char *s, uint32_t *v, int base);
int ctl_parse_u64(const char *s, uint64_t *v, int base);
int ctl_opt_tag(const char *arg, uint64_t *tag);
int ctl_opt_prio(const char *arg, uint32_t *prio);
int ctl_parse_long(const char *s, long *v);
int ctl_opt_mode(const char *arg, uint32_t *mode);
int ctl_opt_timeout(const char *arg, long *ms);
int ctl_opt_count(const char *arg, const char *what, long min, long *v);
int64_t ctl_timeout_ns(long ms);
const char *ctl_kind_name(const char *const *names, uint32_t n, uint32_t k);
int ctl_kind_of(const char *s, const char *const *names, uint32_t n,
		uint32_t *kind);

/* common.c: JSON output (compact, one document per line) */
void jw_begin(const char *key);		/* { */
void jw_end(void);			/* } */
void jw_array(const char *key);		/* [ */
void jw_array_end(void);		/* ] */
void jw_str(const char *key, const char *s);
void jw_u64(const char *key, uint64_t v);
void jw_int(const char *key, long long v);
void jw_bool(const char *key, bool v);

/* msg.c: printing a body (msg recv, ring read) */
enum ctl_body_format {
	CTL_BODY_TEXT,		/* up to the first NUL, ending with a newline */
	CTL_BODY_RAW,		/* -R: the bytes */
	CTL_BODY_HEX,		/* -x: 16 bytes a line */
};
void ctl_print_body(const void *b, uint64_t n, enum ctl_body_format format);
int ctl_opt_format(int key, enum ctl_body_format *format);

/* obj.c: the commands every named object has */
int obj_open(struct xm *x, uint32_t type, const char *name, uint32_t access);
int obj_destroy(const struct ctl_obj *obj, int argc, char **argv);
int obj_list(const struct ctl_obj *obj, int argc, char **argv);
int obj_info(const struct ctl_obj *obj, int argc, char **argv);
int obj_watch(const struct ctl_obj *obj, int argc, char **argv);
/* -m, -e of create; -i, -n of watch (sem signal reads -n too) */
struct obj_opts {
	uint32_t mode;
	bool exist_ok;
	long interval_ms;
	long number;
	bool number_set;
};
extern struct obj_opts obj_opts;
int obj_parse(int key, const char *arg);
/* XMSG_CREATE_EXCL unless -e */
uint32_t obj_create_flags(void);
/* list the named objects of @type (0: every type) */
int obj_list_type(struct xm *x, uint32_t type);
const struct ctl_obj *obj_of_type(uint32_t type);

/* The rows of a named object's command table and option table. */
#define OBJ_CMDS(what)							\
	{ "destroy", obj_destroy, "NAME", "",				\
	  "destroy the " what " (its owner, or CAP_IPC_OWNER)", 1, 1, 0 }, \
	{ "list", obj_list, "", "",					\
	  "every " what " of the IPC namespace, with its state", 0, 0, 0 }, \
	{ "info", obj_info, "NAME", "",					\
	  "the " what "'s owner, mode and every counter", 1, 1, 0 },	\
	{ "stats", obj_info, "NAME", "", NULL, 1, 1, CTL_ALIAS },	\
	{ "watch", obj_watch, "NAME", "in",				\
	  "print the counters every MS ms (-i, default 1000), COUNT " \
	  "times (-n, default: until interrupted)", 1, 1, 0 }

#define OBJ_OPT_MODE							\
	{ "mode", 'm', "MODE", "create: octal permission bits (default 0600)" }
#define OBJ_OPT_EXIST_OK(what)						\
	{ "exist-ok", 'e', NULL,					\
	  "create: open an existing " what " of that name, created "	\
	  "with the same parameters, instead of failing" }
#define OBJ_OPT_INTERVAL						\
	{ "interval", 'i', "MS", "watch: milliseconds between snapshots" }
#define OBJ_OPT_NUMBER							\
	{ "number", 'n', "COUNT", "watch: snapshots to print" }

#endif /* XMSGCTL_H */
