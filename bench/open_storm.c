// SPDX-License-Identifier: Apache-2.0
/* File-open storm driver (see docs/benchmarks.md, "Saturation").
 *
 *   open_storm RATE SECONDS WORKERS PREFIX
 *
 * WORKERS forked processes together issue RATE open() calls per second (0 = as fast as
 * they can) for SECONDS, each on a distinct path PREFIX<worker>-<n> that does not exist
 * (ENOENT), so every call is a distinct file_open record: none is absorbed by agentsight's
 * repeat aggregation, and the file system is not touched.  Pacing is per 1 ms tick against
 * CLOCK_MONOTONIC.  Prints "<opens issued> <elapsed ns> <achieved opens/s>" on stdout.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: open_storm RATE SECONDS WORKERS PREFIX\n");
        return 2;
    }
    double rate = atof(argv[1]), secs = atof(argv[2]);
    int workers = atoi(argv[3]);
    const char *prefix = argv[4];
    if (rate < 0 || secs <= 0 || workers < 1 || workers > 64) {
        fprintf(stderr, "open_storm: bad arguments\n");
        return 2;
    }
    unsigned long *issued = mmap(NULL, sizeof(unsigned long) * 64, PROT_READ | PROT_WRITE,
                                 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (issued == MAP_FAILED) return 2;

    double t0 = now_ns(), end = t0 + secs * 1e9;
    for (int w = 0; w < workers; w++) {
        pid_t p = fork();
        if (p < 0) return 2;
        if (p > 0) continue;
        char path[512];
        unsigned long n = 0;
        double per_ns = rate / workers / 1e9; /* opens per ns for this worker */
        for (;;) {
            double t = now_ns();
            if (t >= end) break;
            unsigned long due = rate > 0 ? (unsigned long)((t - t0) * per_ns) + 1 : n + 256;
            while (n < due) {
                snprintf(path, sizeof path, "%s%d-%lu", prefix, w, n);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd >= 0) close(fd);
                n++;
            }
            if (rate > 0) {
                struct timespec d = {0, 1000000}; /* next 1 ms tick */
                nanosleep(&d, NULL);
            }
        }
        issued[w] = n;
        _exit(0);
    }
    for (int w = 0; w < workers; w++) wait(NULL);
    double t1 = now_ns();
    unsigned long total = 0;
    for (int w = 0; w < workers; w++) total += issued[w];
    printf("%lu %.0f %.0f\n", total, t1 - t0, total / ((t1 - t0) / 1e9));
    return 0;
}
