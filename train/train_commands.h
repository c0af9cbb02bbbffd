/*
 * train_commands.h — the trainer's commands as the `whosaid` command sees
 * them, without the library's internals that train.h brings in.
 */
#ifndef WHOSAID_TRAIN_COMMANDS_H
#define WHOSAID_TRAIN_COMMANDS_H

/* argv[0] being the command's name: `whosaid train` (train.c) and
 * `whosaid model info|verify` (model_command.c). */
int train_main(int argc, char **argv);
int model_main(int argc, char **argv);

#endif /* WHOSAID_TRAIN_COMMANDS_H */
