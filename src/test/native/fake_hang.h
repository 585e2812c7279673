/*
 * Hang injection and thread accounting, shared by the fake GPU libraries.
 *
 * Hangs: the file named by the fake's *_HANG_FILE variable holds lines "<device> <function> <ms>", function being
 * the library function's name or "*" for all of them. A device call that matches blocks for ms milliseconds from
 * its start, and returns early once its line has left the file (a test "clears" the hang by rewriting the file).
 * The file is read only by calls of a fake started with the variable set, and no lock is held while a call blocks:
 * the other devices' calls go on, as with a GPU that fell off the bus.
 *
 * Threads: every device call is counted by the name of the thread that made it (JNA calls from the Java thread,
 * and the JVM gives the native thread the Java thread's name, cut to 15 characters). Calls from threads whose name
 * does not start with "zeusd-" (the device workers) are counted apart, and the last such name is kept.
 */
#ifndef FAKE_HANG_H
#define FAKE_HANG_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static long foreign_thread_calls;
static char last_foreign_thread[16];

static long hang_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * 1000L + now.tv_nsec / 1000000L;
}

/* The ms of the first line for this device and function, or 0. */
static long hang_ms_in(const char *path, int device, const char *function) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int line_device;
    char line_function[128];
    long ms;
    long found = 0;
    while (fscanf(f, "%d %127s %ld", &line_device, line_function, &ms) == 3) {
        if (line_device == device && (strcmp(line_function, "*") == 0 || strcmp(line_function, function) == 0)) {
            found = ms;
            break;
        }
    }
    fclose(f);
    return found;
}

static void count_thread(void) {
    char name[16] = "";
    prctl(PR_GET_NAME, name);
    if (strncmp(name, "zeusd-", 6) != 0) {
        __atomic_add_fetch(&foreign_thread_calls, 1, __ATOMIC_SEQ_CST);
        memcpy(last_foreign_thread, name, sizeof name);
    }
}

/* Called at the start of every device call, before any lock is taken. */
static void device_call_begins(const char *hang_variable, int device, const char *function) {
    count_thread();
    const char *path = getenv(hang_variable);
    if (!path) return;
    long started = hang_now_ms();
    for (;;) {
        long ms = hang_ms_in(path, device, function);
        if (ms <= 0 || hang_now_ms() - started >= ms) return;
        usleep(5000);
    }
}

#endif
