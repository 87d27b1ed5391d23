/* One function per command; each returns the process exit status. */
#ifndef EVB_COMMANDS_H
#define EVB_COMMANDS_H

int cmd_check(int argc, char **argv);
int cmd_ivo(int argc, char **argv);
int cmd_meals(int argc, char **argv);
int cmd_fees(int argc, char **argv);
int cmd_due(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_profile(int argc, char **argv);

struct run;
struct ivo_report;
/* The loading half of evb ivo (also for evb diff): parses the arguments,
 * loads configuration, templates and the export, and builds the report.
 * 0, -1 after printing --help, or EXIT_FATAL after printing why. */
int ivo_load_run(struct run *r, int argc, char **argv, struct ivo_report *rep);

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

/* The command table, ended by an entry with name NULL. */
extern const struct command commands[];
/* Prints `<command> --help` on stdout: the usage line, what the command
 * does (about), every option it takes with its default, and the exit
 * status. */
void command_help(const char *command, const char *usage, const char *about);
/* The command of that name, NULL if none. */
const struct command *command_find(const char *name);

#endif
