// SPDX-License-Identifier: Apache-2.0
/* Process-storm driver for bench/process_storm.sh.
 *   storm [N [OUT]]
 * fork + execve("/bin/true") + waitpid, N times (default 2000); prints the
 * elapsed wall time in nanoseconds (CLOCK_MONOTONIC) on stdout, or into file
 * OUT (used when stdout carries the tracer's JSON Lines).
 * Exit status: 0 ok, 1 usage/setup error, 2 a child failed. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    if (n <= 0) { fprintf(stderr, "usage: %s [N]\n", argv[0]); return 1; }
    char *const child_argv[] = {"/bin/true", NULL};
    struct timespec t0, t1;
    int failed = 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid == 0) {
            execve("/bin/true", child_argv, environ);
            _exit(127);
        }
        int st;
        if (waitpid(pid, &st, 0) < 0) { perror("waitpid"); return 1; }
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) failed++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    FILE *out = argc > 2 ? fopen(argv[2], "w") : stdout;
    if (!out) { perror(argv[2]); return 1; }
    fprintf(out, "%lld\n", ns);
    if (fclose(out) != 0) { perror("write"); return 1; }
    if (failed) { fprintf(stderr, "storm: %d children failed\n", failed); return 2; }
    return 0;
}
