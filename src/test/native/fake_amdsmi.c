/*
 * A fake libamd_smi.so for tests: the subset of ROCm's public AMD SMI C API (amdsmi.h) zeusd calls, written from
 * the header's signatures and documented semantics. Two GPUs, each on its own socket, at distinct PCI addresses.
 * Compiled once per ABI: -DFAKE_ABI=26 (libamd_smi.so.26, ROCm >= 7.0) or -DFAKE_ABI=24 (libamd_smi.so.24,
 * ROCm 6.3/6.4); -DFAKE_ROCM_6_2 leaves out amdsmi_set_gpu_clk_limit, as ROCm 6.2's library does.
 *
 * GPU 0: "AMD Instinct MI300X" at 0000:c1:00.0, 350 W current socket power, an energy counter that agrees with it.
 * GPU 1: "AMD Instinct MI210" at 0001:05:00.1, current power unavailable (0xFFFF) so only the 120 W average is
 *        valid, and an energy counter running 100 times too fast (ROCm/amdsmi#38).
 * Clock ranges (MHz): GFX hardware 500..2100, MEM 900..1300; a write that would leave min above max fails with
 * AMDSMI_STATUS_INVAL, as the amdgpu sysfs interface does.
 *
 * Environment:
 *   FAKE_AMDSMI_VERSION     what amdsmi_get_lib_version reports: "major.minor.release" on ABI 26 (default 26.2.0),
 *                           "year.major.minor.release" on ABI 24 (default 24.7.1.0)
 *   FAKE_AMDSMI_FAULTS      comma-separated "<gpu>:<function>:<fault>", fault one of no_perm, inval, not_supported,
 *                           api_failed; e.g. "1:amdsmi_set_power_cap:no_perm"
 *   FAKE_AMDSMI_INIT_FAILS  if set, amdsmi_init answers AMDSMI_STATUS_DRIVER_NOT_LOADED
 *   FAKE_AMDSMI_LOG         file that gets one line per device call: "<function> <gpu> <arguments...>"
 *   FAKE_AMDSMI_STATE       file rewritten after every call with the state of each GPU and the most calls ever seen
 *                           running at once ("max_concurrent_calls N")
 *   FAKE_AMDSMI_CALL_DELAY_US  time every device call takes, to make overlapping calls observable
 *   FAKE_AMDSMI_HANG_FILE   hang injection: lines "<gpu> <function|*> <ms>" (see fake_hang.h); the state file also
 *                           counts calls made off zeusd's device workers ("foreign_thread_calls N")
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake_hang.h"

#ifndef FAKE_ABI
#define FAKE_ABI 26
#endif

typedef uint32_t amdsmi_status_t;
typedef void *amdsmi_socket_handle;
typedef void *amdsmi_processor_handle;

enum {
    AMDSMI_STATUS_SUCCESS = 0,
    AMDSMI_STATUS_INVAL = 1,
    AMDSMI_STATUS_NOT_SUPPORTED = 2,
    AMDSMI_STATUS_API_FAILED = 7,
    AMDSMI_STATUS_NO_PERM = 10,
    AMDSMI_STATUS_NOT_INIT = 32,
    AMDSMI_STATUS_DRIVER_NOT_LOADED = 34,
};

enum { AMDSMI_CLK_TYPE_GFX = 0, AMDSMI_CLK_TYPE_MEM = 4 };
enum { CLK_LIMIT_MIN = 0, CLK_LIMIT_MAX = 1 };
enum { AMDSMI_DEV_PERF_LEVEL_AUTO = 0, AMDSMI_DEV_PERF_LEVEL_MANUAL = 4 };

#if FAKE_ABI >= 26
typedef struct {
    uint32_t major;
    uint32_t minor;
    uint32_t release;
    const char *build;
} amdsmi_version_t;
typedef struct {
    uint64_t socket_power;
    uint32_t current_socket_power;
    uint32_t average_socket_power;
    uint64_t gfx_voltage;
    uint64_t soc_voltage;
    uint64_t mem_voltage;
    uint32_t power_limit;
    uint64_t reserved[18];
} amdsmi_power_info_t;
_Static_assert(sizeof(amdsmi_power_info_t) == 192, "ABI 26 amdsmi_power_info_t");
/* ABI 26 grew the ASIC info; only market_name at offset 0 matters to zeusd. */
typedef struct {
    char market_name[256];
    char rest[640];
} amdsmi_asic_info_t;
#else
typedef struct {
    uint32_t year;
    uint32_t major;
    uint32_t minor;
    uint32_t release;
    const char *build;
} amdsmi_version_t;
typedef struct {
    uint32_t current_socket_power;
    uint32_t average_socket_power;
    uint32_t gfx_voltage;
    uint32_t soc_voltage;
    uint32_t mem_voltage;
    uint32_t power_limit;
    uint32_t reserved[11];
} amdsmi_power_info_t;
_Static_assert(sizeof(amdsmi_power_info_t) == 68, "ABI 24 amdsmi_power_info_t");
typedef struct {
    char market_name[256];
    uint32_t vendor_id;
    char vendor_name[64];
    uint32_t subvendor_id;
    uint64_t device_id;
    uint32_t rev_id;
    char asic_serial[32];
    uint32_t oam_id;
    uint32_t num_of_compute_units;
    uint64_t target_graphics_version;
    uint32_t reserved[15];
} amdsmi_asic_info_t;
#endif
_Static_assert(sizeof(amdsmi_version_t) == 24, "amdsmi_version_t");
_Static_assert(sizeof(amdsmi_asic_info_t) <= 1024, "zeusd passes 1024 bytes");

typedef struct {
    uint64_t power_cap;
    uint64_t default_power_cap;
    uint64_t dpm_cap;
    uint64_t min_power_cap;
    uint64_t max_power_cap;
    uint64_t reserved[3];
} amdsmi_power_cap_info_t;
_Static_assert(sizeof(amdsmi_power_cap_info_t) == 64, "amdsmi_power_cap_info_t");

typedef struct {
    uint32_t clk;
    uint32_t min_clk;
    uint32_t max_clk;
    uint8_t clk_locked;
    uint8_t clk_deep_sleep;
    uint32_t reserved[4];
} amdsmi_clk_info_t;
_Static_assert(sizeof(amdsmi_clk_info_t) == 32, "amdsmi_clk_info_t");

#define GPU_COUNT 2
#define MAX_FAULTS 16
#define POWER_NA 0xFFFF

struct clock_range {
    uint32_t hw_min, hw_max, min, max;
};

struct fake_gpu {
    int index;
    const char *name;
    uint64_t bdf;
    uint32_t current_w, average_w;
    double energy_scale;
    uint64_t cap_uw;
    struct clock_range gfx, mem;
    int perf_level;
};

struct fault {
    int gpu;
    char function[64];
    amdsmi_status_t status;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_gpu gpus[GPU_COUNT];
static int sockets[GPU_COUNT]; /* socket i holds GPU i; the handle is &sockets[i] */
static struct fault faults[MAX_FAULTS];
static int fault_count;
static int init_count;
static struct timespec started;
static int in_flight;
static int max_in_flight;
static unsigned int call_delay_us;

static uint64_t bdf(uint64_t domain, uint64_t bus, uint64_t device, uint64_t function) {
    return domain << 16 | bus << 8 | device << 3 | function;
}

static void reset_clocks(struct fake_gpu *g) {
    g->gfx.min = g->gfx.hw_min;
    g->gfx.max = g->gfx.hw_max;
    g->mem.min = g->mem.hw_min;
    g->mem.max = g->mem.hw_max;
    g->perf_level = AMDSMI_DEV_PERF_LEVEL_AUTO;
}

static amdsmi_status_t parse_status(const char *name) {
    if (strncmp(name, "no_perm", 7) == 0) return AMDSMI_STATUS_NO_PERM;
    if (strncmp(name, "inval", 5) == 0) return AMDSMI_STATUS_INVAL;
    if (strncmp(name, "not_supported", 13) == 0) return AMDSMI_STATUS_NOT_SUPPORTED;
    return AMDSMI_STATUS_API_FAILED;
}

static void parse_faults(void) {
    const char *spec = getenv("FAKE_AMDSMI_FAULTS");
    while (spec && *spec && fault_count < MAX_FAULTS) {
        struct fault *f = &faults[fault_count];
        const char *first = strchr(spec, ':');
        const char *second = first ? strchr(first + 1, ':') : NULL;
        if (!second) break;
        size_t length = (size_t) (second - first - 1);
        if (length >= sizeof f->function) length = sizeof f->function - 1;
        f->gpu = atoi(spec);
        memcpy(f->function, first + 1, length);
        f->function[length] = '\0';
        f->status = parse_status(second + 1);
        fault_count++;
        spec = strchr(second, ',');
        if (spec) spec++;
    }
}

static void setup(void) {
    gpus[0] = (struct fake_gpu) { 0, "AMD Instinct MI300X", bdf(0x0000, 0xc1, 0x00, 0), 350, 340, 1.0,
            750000000ULL, { 500, 2100, 0, 0 }, { 900, 1300, 0, 0 }, 0 };
    gpus[1] = (struct fake_gpu) { 1, "AMD Instinct MI210", bdf(0x0001, 0x05, 0x00, 1), POWER_NA, 120, 100.0,
            300000000ULL, { 500, 1700, 0, 0 }, { 1600, 1600, 0, 0 }, 0 };
    for (int i = 0; i < GPU_COUNT; i++) reset_clocks(&gpus[i]);
    const char *delay = getenv("FAKE_AMDSMI_CALL_DELAY_US");
    call_delay_us = delay ? (unsigned int) atoi(delay) : 0;
    parse_faults();
    clock_gettime(CLOCK_MONOTONIC, &started);
}

static void write_state(void) {
    const char *path = getenv("FAKE_AMDSMI_STATE");
    if (!path) return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *out = fopen(tmp, "w");
    if (!out) return;
    for (int i = 0; i < GPU_COUNT; i++) {
        struct fake_gpu *g = &gpus[i];
        fprintf(out, "gpu%d power_cap_uw %llu\n", i, (unsigned long long) g->cap_uw);
        fprintf(out, "gpu%d gfx %u %u\n", i, g->gfx.min, g->gfx.max);
        fprintf(out, "gpu%d mem %u %u\n", i, g->mem.min, g->mem.max);
        fprintf(out, "gpu%d perf_level %s\n", i, g->perf_level == AMDSMI_DEV_PERF_LEVEL_AUTO ? "auto" : "manual");
    }
    fprintf(out, "max_concurrent_calls %d\n", max_in_flight);
    fprintf(out, "foreign_thread_calls %ld\n", __atomic_load_n(&foreign_thread_calls, __ATOMIC_SEQ_CST));
    fclose(out);
    rename(tmp, path);
}

static void log_call(const char *function, int gpu, const char *arguments) {
    const char *path = getenv("FAKE_AMDSMI_LOG");
    if (!path) return;
    FILE *out = fopen(path, "a");
    if (!out) return;
    fprintf(out, "%s %d%s%s\n", function, gpu, *arguments ? " " : "", arguments);
    fclose(out);
}

/* Counts calls running at once without holding the lock, so that overlapping callers are seen, not prevented. */
static void enter(void) {
    int now = __atomic_add_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
    int seen = __atomic_load_n(&max_in_flight, __ATOMIC_SEQ_CST);
    while (now > seen && !__atomic_compare_exchange_n(&max_in_flight, &seen, now, 0, __ATOMIC_SEQ_CST,
            __ATOMIC_SEQ_CST)) {
    }
    if (call_delay_us) usleep(call_delay_us);
}

static amdsmi_status_t leave(amdsmi_status_t status) {
    __atomic_sub_fetch(&in_flight, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_lock(&lock);
    write_state();
    pthread_mutex_unlock(&lock);
    return status;
}

static struct fake_gpu *gpu_of(amdsmi_processor_handle handle) {
    struct fake_gpu *g = handle;
    return g >= gpus && g < gpus + GPU_COUNT ? g : NULL;
}

static amdsmi_status_t fault_of(const struct fake_gpu *g, const char *function) {
    for (int i = 0; i < fault_count; i++) {
        if (faults[i].gpu == g->index && strcmp(faults[i].function, function) == 0) return faults[i].status;
    }
    return AMDSMI_STATUS_SUCCESS;
}

/* Every device call: initialised, a valid handle, logged, then the injected fault if any. */
#define DEVICE_CALL(handle, arguments_format, ...) \
    enter(); \
    if (init_count == 0) return leave(AMDSMI_STATUS_NOT_INIT); \
    struct fake_gpu *g = gpu_of(handle); \
    if (!g) return leave(AMDSMI_STATUS_INVAL); \
    device_call_begins("FAKE_AMDSMI_HANG_FILE", g->index, __func__); \
    { \
        char arguments[128]; \
        snprintf(arguments, sizeof arguments, arguments_format, ##__VA_ARGS__); \
        pthread_mutex_lock(&lock); \
        log_call(__func__, g->index, arguments); \
        pthread_mutex_unlock(&lock); \
    } \
    amdsmi_status_t fault = fault_of(g, __func__); \
    if (fault) return leave(fault)

amdsmi_status_t amdsmi_init(uint64_t flags) {
    if (getenv("FAKE_AMDSMI_INIT_FAILS")) return AMDSMI_STATUS_DRIVER_NOT_LOADED;
    if (!(flags & (1 << 1))) return AMDSMI_STATUS_INVAL;
    pthread_mutex_lock(&lock);
    if (init_count++ == 0) setup();
    log_call(__func__, -1, "");
    write_state();
    pthread_mutex_unlock(&lock);
    return AMDSMI_STATUS_SUCCESS;
}

amdsmi_status_t amdsmi_shut_down(void) {
    pthread_mutex_lock(&lock);
    amdsmi_status_t status = init_count > 0 ? (init_count--, AMDSMI_STATUS_SUCCESS) : AMDSMI_STATUS_NOT_INIT;
    log_call(__func__, -1, "");
    pthread_mutex_unlock(&lock);
    return status;
}

amdsmi_status_t amdsmi_get_lib_version(amdsmi_version_t *version) {
    if (!version) return AMDSMI_STATUS_INVAL;
    const char *spec = getenv("FAKE_AMDSMI_VERSION");
    memset(version, 0, sizeof *version);
#if FAKE_ABI >= 26
    if (!spec || sscanf(spec, "%u.%u.%u", &version->major, &version->minor, &version->release) != 3) {
        version->major = 26;
        version->minor = 2;
    }
#else
    if (!spec || sscanf(spec, "%u.%u.%u.%u", &version->year, &version->major, &version->minor,
            &version->release) != 4) {
        version->year = 24;
        version->major = 7;
        version->minor = 1;
    }
#endif
    version->build = "fake";
    return AMDSMI_STATUS_SUCCESS;
}

amdsmi_status_t amdsmi_status_code_to_string(amdsmi_status_t status, const char **text) {
    if (!text) return AMDSMI_STATUS_INVAL;
    switch (status) {
    case AMDSMI_STATUS_SUCCESS: *text = "AMDSMI_STATUS_SUCCESS: Call succeeded"; break;
    case AMDSMI_STATUS_INVAL: *text = "AMDSMI_STATUS_INVAL: Invalid parameters"; break;
    case AMDSMI_STATUS_NOT_SUPPORTED: *text = "AMDSMI_STATUS_NOT_SUPPORTED: Command not supported"; break;
    case AMDSMI_STATUS_API_FAILED: *text = "AMDSMI_STATUS_API_FAILED: API call failed"; break;
    case AMDSMI_STATUS_NO_PERM: *text = "AMDSMI_STATUS_NO_PERM: Permission Denied"; break;
    case AMDSMI_STATUS_NOT_INIT: *text = "AMDSMI_STATUS_NOT_INIT: Device not initialized"; break;
    case AMDSMI_STATUS_DRIVER_NOT_LOADED: *text = "AMDSMI_STATUS_DRIVER_NOT_LOADED: Driver not loaded"; break;
    default: *text = "AMDSMI_STATUS_UNKNOWN_ERROR: An unknown error occurred"; break;
    }
    return AMDSMI_STATUS_SUCCESS;
}

amdsmi_status_t amdsmi_get_socket_handles(uint32_t *count, amdsmi_socket_handle *handles) {
    if (!count) return AMDSMI_STATUS_INVAL;
    if (init_count == 0) return AMDSMI_STATUS_NOT_INIT;
    if (!handles) {
        *count = GPU_COUNT;
        return AMDSMI_STATUS_SUCCESS;
    }
    uint32_t n = *count < GPU_COUNT ? *count : GPU_COUNT;
    for (uint32_t i = 0; i < n; i++) handles[i] = &sockets[i];
    *count = n;
    return AMDSMI_STATUS_SUCCESS;
}

amdsmi_status_t amdsmi_get_processor_handles(amdsmi_socket_handle socket, uint32_t *count,
        amdsmi_processor_handle *handles) {
    if (!count) return AMDSMI_STATUS_INVAL;
    if (init_count == 0) return AMDSMI_STATUS_NOT_INIT;
    int *s = socket;
    if (s < sockets || s >= sockets + GPU_COUNT) return AMDSMI_STATUS_INVAL;
    if (!handles) {
        *count = 1;
        return AMDSMI_STATUS_SUCCESS;
    }
    if (*count >= 1) handles[0] = &gpus[s - sockets];
    *count = *count >= 1 ? 1 : 0;
    return AMDSMI_STATUS_SUCCESS;
}

amdsmi_status_t amdsmi_get_gpu_asic_info(amdsmi_processor_handle handle, amdsmi_asic_info_t *info) {
    DEVICE_CALL(handle, "%s", "");
    if (!info) return leave(AMDSMI_STATUS_INVAL);
    memset(info, 0, sizeof *info);
    snprintf(info->market_name, sizeof info->market_name, "%s", g->name);
    return leave(AMDSMI_STATUS_SUCCESS);
}

amdsmi_status_t amdsmi_get_gpu_device_bdf(amdsmi_processor_handle handle, uint64_t *out) {
    DEVICE_CALL(handle, "%s", "");
    if (!out) return leave(AMDSMI_STATUS_INVAL);
    *out = g->bdf;
    return leave(AMDSMI_STATUS_SUCCESS);
}

amdsmi_status_t amdsmi_get_power_info(amdsmi_processor_handle handle, amdsmi_power_info_t *info) {
    DEVICE_CALL(handle, "%s", "");
    if (!info) return leave(AMDSMI_STATUS_INVAL);
    memset(info, 0, sizeof *info);
#if FAKE_ABI >= 26
    info->socket_power = g->current_w != POWER_NA ? g->current_w : g->average_w;
#endif
    info->current_socket_power = g->current_w;
    info->average_socket_power = g->average_w;
    info->power_limit = (uint32_t) (g->cap_uw / 1000000);
    return leave(AMDSMI_STATUS_SUCCESS);
}

amdsmi_status_t amdsmi_get_energy_count(amdsmi_processor_handle handle, uint64_t *accumulator, float *resolution,
        uint64_t *timestamp) {
    DEVICE_CALL(handle, "%s", "");
    if (!accumulator || !resolution || !timestamp) return leave(AMDSMI_STATUS_INVAL);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double seconds = (double) (now.tv_sec - started.tv_sec) + (double) (now.tv_nsec - started.tv_nsec) / 1e9;
    double watts = g->current_w != POWER_NA ? g->current_w : g->average_w;
    const float microjoules_per_count = 15.259f;
    *resolution = microjoules_per_count;
    /* a counter that started long before us, so it is never near zero */
    *accumulator = (uint64_t) ((1000.0 + seconds) * watts * g->energy_scale * 1e6 / microjoules_per_count);
    *timestamp = (uint64_t) now.tv_sec * 1000000000ULL + (uint64_t) now.tv_nsec;
    return leave(AMDSMI_STATUS_SUCCESS);
}

amdsmi_status_t amdsmi_get_power_cap_info(amdsmi_processor_handle handle, uint32_t sensor,
        amdsmi_power_cap_info_t *info) {
    DEVICE_CALL(handle, "%u", sensor);
    if (!info || sensor != 0) return leave(AMDSMI_STATUS_INVAL);
    memset(info, 0, sizeof *info);
    info->power_cap = g->cap_uw;
    info->default_power_cap = g->index == 0 ? 750000000ULL : 300000000ULL;
    info->min_power_cap = g->index == 0 ? 200000000ULL : 100000000ULL;
    info->max_power_cap = info->default_power_cap;
    return leave(AMDSMI_STATUS_SUCCESS);
}

amdsmi_status_t amdsmi_set_power_cap(amdsmi_processor_handle handle, uint32_t sensor, uint64_t cap) {
    DEVICE_CALL(handle, "%u %llu", sensor, (unsigned long long) cap);
    uint64_t min = g->index == 0 ? 200000000ULL : 100000000ULL;
    uint64_t max = g->index == 0 ? 750000000ULL : 300000000ULL;
    if (sensor != 0 || cap < min || cap > max) return leave(AMDSMI_STATUS_INVAL);
    g->cap_uw = cap;
    return leave(AMDSMI_STATUS_SUCCESS);
}

static struct clock_range *range_of(struct fake_gpu *g, uint32_t type) {
    return type == AMDSMI_CLK_TYPE_GFX ? &g->gfx : type == AMDSMI_CLK_TYPE_MEM ? &g->mem : NULL;
}

amdsmi_status_t amdsmi_get_clock_info(amdsmi_processor_handle handle, uint32_t type, amdsmi_clk_info_t *info) {
    DEVICE_CALL(handle, "%s", type == AMDSMI_CLK_TYPE_GFX ? "GFX" : type == AMDSMI_CLK_TYPE_MEM ? "MEM" : "?");
    struct clock_range *range = range_of(g, type);
    if (!info) return leave(AMDSMI_STATUS_INVAL);
    if (!range) return leave(AMDSMI_STATUS_NOT_SUPPORTED);
    memset(info, 0, sizeof *info);
    info->clk = range->max;
    info->min_clk = range->min;
    info->max_clk = range->max;
    info->clk_locked = g->perf_level != AMDSMI_DEV_PERF_LEVEL_AUTO;
    return leave(AMDSMI_STATUS_SUCCESS);
}

#ifndef FAKE_ROCM_6_2
amdsmi_status_t amdsmi_set_gpu_clk_limit(amdsmi_processor_handle handle, uint32_t type, uint32_t limit,
        uint64_t value) {
    DEVICE_CALL(handle, "%s %s %llu", type == AMDSMI_CLK_TYPE_GFX ? "GFX" : type == AMDSMI_CLK_TYPE_MEM ? "MEM" : "?",
            limit == CLK_LIMIT_MIN ? "MIN" : limit == CLK_LIMIT_MAX ? "MAX" : "?", (unsigned long long) value);
    struct clock_range *range = range_of(g, type);
    if (!range) return leave(AMDSMI_STATUS_NOT_SUPPORTED);
    if (value < range->hw_min || value > range->hw_max) return leave(AMDSMI_STATUS_INVAL);
    if (limit == CLK_LIMIT_MIN) {
        if (value > range->max) return leave(AMDSMI_STATUS_INVAL); /* would cross the current maximum */
        range->min = (uint32_t) value;
    } else if (limit == CLK_LIMIT_MAX) {
        if (value < range->min) return leave(AMDSMI_STATUS_INVAL); /* would cross the current minimum */
        range->max = (uint32_t) value;
    } else {
        return leave(AMDSMI_STATUS_INVAL);
    }
    g->perf_level = AMDSMI_DEV_PERF_LEVEL_MANUAL;
    return leave(AMDSMI_STATUS_SUCCESS);
}
#endif

amdsmi_status_t amdsmi_set_gpu_perf_level(amdsmi_processor_handle handle, uint32_t level) {
    DEVICE_CALL(handle, "%s", level == AMDSMI_DEV_PERF_LEVEL_AUTO ? "AUTO" : "OTHER");
    if (level != AMDSMI_DEV_PERF_LEVEL_AUTO) {
        g->perf_level = (int) level;
        return leave(AMDSMI_STATUS_SUCCESS);
    }
    reset_clocks(g); /* auto hands the clock ranges back to the driver */
    return leave(AMDSMI_STATUS_SUCCESS);
}
