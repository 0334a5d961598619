// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl: manage xmsg pools, exchanges and semaphores from the shell, send
 * and receive messages, watch statistics.
 *
 *	xmsgctl [GLOBAL OPTIONS] OBJECT COMMAND [ARGS] [OPTIONS]
 *
 * This file takes the global options, finds the object and its command
 * (cmd_select()), takes the command's options out of its arguments, and
 * renders every help text from the objects' tables.  The forms of earlier
 * versions (COMMAND TYPE NAME, send, recv, ...) are rewritten into the
 * object form first.
 *
 * Each invocation opens /dev/xmsg once and is its own owner: what it gets is
 * released when it exits, but a message it sent stays at its exchange.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xmsgctl.h"

#ifndef XMSGCTL_VERSION
#define XMSGCTL_VERSION "unknown"
#endif

#define MAX_ARGS	64

const char *ctl_prog = "xmsgctl";
const char *ctl_device;
bool ctl_json;

const struct ctl_obj *const ctl_objects[] = {
	&pool_object, &heap_object, &xchg_object, &sem_object, &msg_object,
	&ring_object, &nic_object, &feature_object, NULL
};

const struct ctl_opt ctl_global_opts[] = {
	{ "device", 'd', "PATH",
	  "the device (default $XMSG_DEVICE, else /dev/xmsg)" },
	{ "json", 'j', NULL,
	  "JSON output (list, info, stats, watch, feature show, version)" },
	{ "help", 'h', NULL, "help (of the object, after one)" },
	{ "version", 'V', NULL,
	  "xmsgctl's version and the kernel's API version" },
	{ NULL }
};

/* Global options also taken after the command (not -V). */
#define GLOBAL_KEYS	"d:jh"

static const char exit_codes[] =
"Exit codes: 0 ok, 1 error, 2 usage, 3 timed out / nothing there (recv,\n"
"ring, wait, bcast-clear, bump), 4 no such object or no device, 5\n"
"permission denied.\n";

static const char older_forms[] =
"Older forms, still accepted:\n"
"  create|destroy|info|stats|watch TYPE NAME   ->  TYPE create|... NAME\n"
"  send ..., recv ...                          ->  msg send ..., msg recv ...\n"
"  signal SEM ..., wait SEM ...                ->  sem signal ..., sem wait ...\n"
"  bcast-clear XCHG                            ->  xchg bcast-clear XCHG\n"
"  ring XCHG POOL ...                          ->  ring read XCHG POOL ...\n"
"  nic [DEV]                                   ->  nic stats [DEV]\n"
"  features                                    ->  feature show\n";

/* ---- help, from the tables --------------------------------------------- */

static const struct ctl_opt *opt_of(const struct ctl_opt *opts, int key)
{
	for (; opts->name; opts++)
		if (opts->key == key)
			return opts;
	return NULL;
}

#define HELP_WIDTH	79

/*
 * Print @text from column @col on, wrapped at spaces before HELP_WIDTH; its
 * lines after the first start at column @indent.
 */
static void print_wrapped(FILE *f, const char *text, int col, int indent)
{
	const char *w = text;
	int len;

	while (*w) {
		len = strcspn(w, " ");
		if (w != text && col + 1 + len > HELP_WIDTH) {
			fprintf(f, "\n%*s", indent, "");
			col = indent;
		} else if (w != text) {
			putc(' ', f);
			col++;
		}
		fprintf(f, "%.*s", len, w);
		col += len;
		w += len;
		w += strspn(w, " ");
	}
	putc('\n', f);
}

static void print_opt(FILE *f, const struct ctl_opt *o)
{
	char head[40];

	snprintf(head, sizeof(head), "-%c, --%s%s%s", o->key, o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	fprintf(f, "  %-24s", head);
	if (strlen(head) > 24)
		fprintf(f, "\n  %24s", "");
	print_wrapped(f, o->help, 26, 26);
}

/* "create NAME BLOCK_SIZE COUNT [-m MODE] [-e]" */
static void print_synopsis(FILE *f, const struct ctl_obj *obj,
			   const struct ctl_cmd *c)
{
	const struct ctl_opt *o;
	const char *k;

	fprintf(f, "%s%s%s", c->name, *c->args ? " " : "", c->args);
	for (k = c->keys; *k; k++) {
		o = opt_of(obj->opts, *k);
		if (o)
			fprintf(f, " [-%c%s%s]", o->key, o->arg ? " " : "",
				o->arg ? o->arg : "");
	}
	for (; c[1].name && (c[1].flags & CTL_ALIAS); c++)
		fprintf(f, "  (or %s)", c[1].name);
	putc('\n', f);
}

static void print_examples(FILE *f, const char *ex)
{
	const char *nl;

	for (; ex && *ex; ex = nl + 1) {
		nl = strchrnul(ex, '\n');
		fprintf(f, "  $ %.*s\n", (int)(nl - ex), ex);
		if (!*nl)
			break;
	}
}

/* xmsgctl OBJECT help */
static void obj_help(FILE *f, const struct ctl_obj *obj)
{
	const struct ctl_cmd *c;
	const struct ctl_opt *o;

	fprintf(f, "usage: %s [-d PATH] [-j] %s COMMAND [ARGS] [OPTIONS]\n\n"
		"%s: %s\n\nCommands:\n", ctl_prog, obj->name, obj->name,
		obj->summary);
	for (c = obj->cmds; c->name; c++) {
		if (c->flags & CTL_ALIAS)
			continue;
		fprintf(f, "  %s ", obj->name);
		print_synopsis(f, obj, c);
		fprintf(f, "      ");
		print_wrapped(f, c->help, 6, 6);
	}
	fprintf(f, "  %s help\n      this text\n", obj->name);
	if (obj->bare_cmd)
		fprintf(f, "\"%s ARGS\" is \"%s %s ARGS\".\n", obj->name,
			obj->name, obj->bare_cmd);
	if (obj->opts->name) {
		fprintf(f, "\nOptions (anywhere after the command):\n");
		for (o = obj->opts; o->name; o++)
			print_opt(f, o);
	}
	fprintf(f, "\nGlobal options:\n");
	for (o = ctl_global_opts; o->name; o++)
		print_opt(f, o);
	fprintf(f, "\nExamples:\n");
	print_examples(f, obj->examples);
	fprintf(f, "\n%s", exit_codes);
}

/* xmsgctl --help: every object, command and option */
static void usage(FILE *f)
{
	const struct ctl_obj *const *obj;
	const struct ctl_cmd *c;
	const struct ctl_opt *o;

	fprintf(f,
		"usage: %s [-d PATH] [-j] OBJECT COMMAND [ARGS] [OPTIONS]\n"
		"       %s [-d PATH] [-j] list [pool|heap|xchg|sem]\n"
		"       %s [-j] version\n"
		"       %s OBJECT help\n"
		"\nOBJECT is one of:", ctl_prog, ctl_prog, ctl_prog, ctl_prog);
	for (obj = ctl_objects; *obj; obj++)
		fprintf(f, " %s", (*obj)->name);
	fprintf(f, ".\n\"list\" lists every named object (of one type), "
		"\"help\" is\nthis text, \"OBJECT help\" the object's.  "
		"Options go anywhere\nafter the command; -- ends them.\n");
	for (obj = ctl_objects; *obj; obj++) {
		fprintf(f, "\n%s: %s\n", (*obj)->name, (*obj)->summary);
		for (c = (*obj)->cmds; c->name; c++) {
			if (c->flags & CTL_ALIAS)
				continue;
			fprintf(f, "  %s ", (*obj)->name);
			print_synopsis(f, *obj, c);
		}
		for (o = (*obj)->opts; o->name; o++)
			print_opt(f, o);
	}
	fprintf(f, "\nGlobal options (also after the command, except -V):\n");
	for (o = ctl_global_opts; o->name; o++)
		print_opt(f, o);
	fprintf(f, "\n%s\nExamples:\n", older_forms);
	for (obj = ctl_objects; *obj; obj++)
		print_examples(f, (*obj)->examples);
	fprintf(f, "\n%s", exit_codes);
}

/* ---- finding objects and commands ------------------------------------- */

static const struct ctl_obj *obj_named(const char *s)
{
	const struct ctl_obj *const *obj;
	const char *const *a;

	for (obj = ctl_objects; *obj; obj++) {
		if (!strcmp(s, (*obj)->name))
			return *obj;
		for (a = (*obj)->aliases; a && *a; a++)
			if (!strcmp(s, *a))
				return *obj;
	}
	return NULL;
}

static const struct ctl_cmd *cmd_named(const struct ctl_obj *obj,
				       const char *s)
{
	const struct ctl_cmd *c;

	for (c = obj->cmds; c->name; c++)
		if (!strcmp(s, c->name))
			return c;
	return NULL;
}

/* ---- version ------------------------------------------------------------ */

/* The device xm_open() opens. */
static const char *device_path(void)
{
	const char *env = getenv("XMSG_DEVICE");

	return ctl_device ? ctl_device : env && *env ? env : XM_DEVICE;
}

static int version(void)
{
	struct xmsg_features f;
	struct xm *x = NULL;
	int ret;

	ret = xm_open(&x, ctl_device);
	if (!ret)
		ret = xm_features(x, &f);
	xm_close(x);
	if (ctl_json) {
		jw_begin(NULL);
		jw_str("version", XMSGCTL_VERSION);
		jw_u64("uapi_version", XMSG_API_VERSION);
		if (!ret)
			jw_u64("api_version", f.api_version);
		else
			jw_str("error", strerror(-ret));
		jw_end();
		return EX_OK;
	}
	printf("%s %s\nuAPI version %u (<linux/xmsg.h> it was built with)\n",
	       ctl_prog, XMSGCTL_VERSION, XMSG_API_VERSION);
	if (!ret)
		printf("kernel API version %u\n", f.api_version);
	else
		printf("kernel API version unknown (%s: %s)\n", device_path(),
		       strerror(-ret));
	return EX_OK;
}

/* list [TYPE]: every named object, or those of TYPE */
static int top_list(const struct ctl_obj *obj, int argc, char **argv)
{
	const struct ctl_obj *type = argc ? obj_named(argv[0]) : NULL;

	if (argc && (!type || !type->type))
		return ctl_usage("unknown object type '%s' (pool, heap, xchg, "
				 "sem)", argv[0]);
	return obj_list_type(ctl_xm(), type ? type->type : 0);
}

static int top_version(const struct ctl_obj *obj, int argc, char **argv)
{
	return version();
}

static const struct ctl_cmd top_cmds[] = {
	{ "list", top_list, "[TYPE]", "", NULL, 0, 1, 0 },
	{ "ls", top_list, "[TYPE]", "", NULL, 0, 1, 0 },
	{ "version", top_version, "", "", NULL, 0, 0, 0 },
	{ NULL }
};

static const struct ctl_opt top_opts[] = {
	{ NULL }
};

/* The commands without an object (their help is usage()). */
static const struct ctl_obj top = {
	.name = "",
	.cmds = top_cmds,
	.opts = top_opts,
};

/* ---- running a command -------------------------------------------------- */

static int global_opt(int key, const char *arg)
{
	switch (key) {
	case 'd':
		ctl_device = arg;
		return 0;
	case 'j':
		ctl_json = true;
		return 0;
	}
	return ctl_usage("bad option");
}

static struct xm *ctl_x;

struct xm *ctl_xm(void)
{
	int ret;

	if (ctl_x)
		return ctl_x;
	ret = xm_open(&ctl_x, ctl_device);
	if (!ret)
		return ctl_x;
	/* a file system error, not an xmsg one: strerror() */
	fprintf(stderr, "%s: cannot open %s: %s%s\n", ctl_prog, device_path(),
		strerror(-ret), ret == -ENOENT ? " (is xmsg.ko loaded?)" : "");
	exit(ret == -ENOENT ? EX_NOENT : ctl_exit_code(ret));
}

/* Append the long options of @opts whose letters are in @keys. */
static int add_long_opts(struct option *lo, int n, const struct ctl_opt *opts,
			 const char *keys, char *shorts)
{
	for (; opts->name; opts++) {
		if (!strchr(keys, opts->key))
			continue;
		lo[n].name = opts->name;
		lo[n].has_arg = opts->arg ? required_argument : no_argument;
		lo[n].flag = NULL;
		lo[n].val = opts->key;
		n++;
		sprintf(shorts + strlen(shorts), "%c%s", opts->key,
			opts->arg ? ":" : "");
	}
	return n;
}

/*
 * Run command @c of @obj on @argv[1..] (its arguments and options, in any
 * order; "--" ends the options).  @argv[0] is the command word.
 */
static int cmd_run(const struct ctl_obj *obj, const struct ctl_cmd *c,
		   int argc, char **argv)
{
	struct option lo[32];
	char shorts[80] = "-", *args[MAX_ARGS];
	int n, nargs = 0, key, ret;

	n = add_long_opts(lo, 0, obj->opts, c->keys, shorts);
	n = add_long_opts(lo, n, ctl_global_opts, GLOBAL_KEYS, shorts);
	memset(&lo[n], 0, sizeof(lo[n]));
	opterr = 0;
	optind = 0;	/* 0, not 1: glibc must forget the earlier scan */
	while (optind < argc) {
		key = getopt_long(argc, argv, shorts, lo, NULL);
		if (key == -1)
			break;
		if (key == 1) {
			if (nargs == MAX_ARGS)
				return ctl_usage("too many arguments");
			args[nargs++] = optarg;
			continue;
		}
		if (key == 'h') {
			if (obj == &top)
				usage(stdout);
			else
				obj_help(stdout, obj);
			exit(EX_OK);
		}
		if (key == '?')
			return ctl_usage("%s%s%s: %s '%s'", obj->name,
					 *obj->name ? " " : "", c->name,
					 optopt && strchr(shorts, optopt) ?
					 "missing argument of" : "bad option",
					 argv[optind - 1]);
		ret = strchr(GLOBAL_KEYS, key) ? global_opt(key, optarg) :
			obj->parse(key, optarg);
		if (ret)
			return ret;
	}
	while (optind < argc && nargs < MAX_ARGS)
		args[nargs++] = argv[optind++];
	if (nargs < c->min_args || (c->max_args >= 0 && nargs > c->max_args)) {
		fprintf(stderr, "usage: %s %s%s", ctl_prog, obj->name,
			*obj->name ? " " : "");
		print_synopsis(stderr, obj, c);
		if (*obj->name)
			fprintf(stderr, "Try '%s %s help'.\n", ctl_prog,
				obj->name);
		return EX_USAGE;
	}
	ret = c->fn(obj, nargs, args);
	fflush(stdout);
	xm_close(ctl_x);
	ctl_x = NULL;
	return ret;
}

/*
 * OBJECT [COMMAND] ...: @argv[0] is the object word.  A word that is none
 * of its commands is the first argument of the object's bare command.
 */
static int cmd_select(const struct ctl_obj *obj, int argc, char **argv)
{
	const struct ctl_cmd *c = NULL;

	if (argc > 1 && (!strcmp(argv[1], "help") ||
			 !strcmp(argv[1], "--help") ||
			 !strcmp(argv[1], "-h"))) {
		obj_help(stdout, obj);
		return EX_OK;
	}
	if (argc > 1)
		c = cmd_named(obj, argv[1]);
	if (c)
		return cmd_run(obj, c, argc - 1, argv + 1);
	if (obj->bare_cmd)
		return cmd_run(obj, cmd_named(obj, obj->bare_cmd), argc, argv);
	if (argc > 1)
		return ctl_usage("%s: unknown command '%s' (%s %s help)",
				 obj->name, argv[1], ctl_prog, obj->name);
	return ctl_usage("%s: which command? (%s %s help)", obj->name,
			 ctl_prog, obj->name);
}

/* The forms of earlier versions: VERB [TYPE] ... */
static const struct {
	const char *verb;
	const struct ctl_obj *obj;	/* NULL: the TYPE word after VERB */
	const char *cmd;
} older[] = {
	{ "create", NULL, "create" },
	{ "destroy", NULL, "destroy" },
	{ "info", NULL, "info" },
	{ "stats", NULL, "info" },
	{ "watch", NULL, "watch" },
	{ "send", &msg_object, "send" },
	{ "recv", &msg_object, "recv" },
	{ "bcast-clear", &xchg_object, "bcast-clear" },
	{ "signal", &sem_object, "signal" },
	{ "wait", &sem_object, "wait" },
};

/* @argv[0] is a verb of the older forms: run its object command. */
static int cmd_older(int i, int argc, char **argv)
{
	const struct ctl_obj *obj = older[i].obj;

	if (!obj) {
		if (argc < 2)
			return ctl_usage("%s: TYPE and NAME needed", argv[0]);
		obj = obj_named(argv[1]);
		if (!obj || !obj->type)
			return ctl_usage("unknown object type '%s' (pool, "
					 "heap, xchg, sem)", argv[1]);
		argc--;
		argv++;
	}
	return cmd_run(obj, cmd_named(obj, older[i].cmd), argc, argv);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct ctl_obj *obj;
	const struct ctl_cmd *c;
	bool want_version = false;
	size_t i;
	int key;

	/* global options, up to the object */
	while ((key = getopt_long(argc, argv, "+hVjd:", lo, NULL)) != -1) {
		if (key == 'h') {
			usage(stdout);
			return EX_OK;
		}
		if (key == 'V')
			want_version = true;
		else if (key == '?' || global_opt(key, optarg))
			return EX_USAGE;
	}
	if (want_version)
		return version();
	if (optind >= argc)
		return ctl_usage("no command");
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help")) {
		usage(stdout);
		return EX_OK;
	}
	c = cmd_named(&top, argv[0]);
	if (c)
		return cmd_run(&top, c, argc, argv);
	obj = obj_named(argv[0]);
	if (obj)
		return cmd_select(obj, argc, argv);
	for (i = 0; i < ARRAY_SIZE(older); i++)
		if (!strcmp(argv[0], older[i].verb))
			return cmd_older(i, argc, argv);
	return ctl_usage("unknown command '%s'", argv[0]);
}
