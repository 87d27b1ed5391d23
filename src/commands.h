/* One function per command; each returns the process exit status. */
#ifndef EVB_COMMANDS_H
#define EVB_COMMANDS_H

int cmd_check(int argc, char **argv);
int cmd_ivo(int argc, char **argv);
int cmd_meals(int argc, char **argv);
int cmd_fees(int argc, char **argv);
int cmd_due(int argc, char **argv);

#endif
