// SPDX-License-Identifier: Apache-2.0
/* Write-heavy driver for the plaintext-source cost (see docs/benchmarks.md, "Plaintext
 * source: cost to untraced processes").
 *
 *   write_loop ITERATIONS SIZE MODE
 *
 * MODE devnull: ITERATIONS write(2) calls of SIZE bytes to /dev/null (the syscall alone).
 * MODE pipe:    ITERATIONS write(2) of SIZE bytes into a pipe, each read(2) back at once
 *               (one process, so no scheduler hand-off is timed).
 * Only the loop is timed (CLOCK_MONOTONIC); prints the elapsed ns. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char** argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: write_loop ITERATIONS SIZE devnull|pipe\n");
        return 2;
    }
    long n = atol(argv[1]);
    size_t size = (size_t)atol(argv[2]);
    int pipe_mode = strcmp(argv[3], "pipe") == 0;
    char* buf = calloc(1, size);
    int fds[2];
    if (!buf || (pipe_mode ? pipe(fds) : (fds[1] = open("/dev/null", O_WRONLY))) < 0) {
        perror("write_loop");
        return 2;
    }
    long long start = now_ns();
    for (long i = 0; i < n; ++i) {
        if (write(fds[1], buf, size) != (ssize_t)size) return 3;
        if (pipe_mode && read(fds[0], buf, size) != (ssize_t)size) return 3;
    }
    printf("%lld\n", now_ns() - start);
    return 0;
}
