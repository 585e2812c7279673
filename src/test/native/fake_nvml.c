/*
 * A fake libnvidia-ml.so for tests: the subset of the public NVML C API zeusd calls, with per-device state,
 * fault injection and counters that tests can read. Written from NVML's documented semantics.
 *
 * Environment:
 *   FAKE_NVML_DEVICE_COUNT  number of GPUs (default 4)
 *   FAKE_NVML_FAULTS        comma-separated "<index>:<fault>" applied to every set/reset call of that GPU, where
 *                           fault is no_permission, not_supported or unknown, e.g. "1:no_permission,2:unknown"
 *   FAKE_NVML_INIT_FAILS    if set, nvmlInit_v2 fails with NVML_ERROR_DRIVER_NOT_LOADED
 *   FAKE_NVML_NO_ENERGY     index of a GPU without a total-energy counter (pre-Volta): NVML_ERROR_NOT_SUPPORTED
 *   FAKE_NVML_STATE_FILE    if set, the settings (power limit, persistence mode, locked clocks) of every GPU are
 *                           loaded from this file at init and saved to it after every change, so that they outlive
 *                           the process as a real GPU's do (restart and crash tests)
 *   FAKE_NVML_HANG_FILE     hang injection: lines "<index> <function|*> <ms>" (see fake_hang.h)
 *   FAKE_NVML_MIG_FILE      MIG partitions, read at every call so that tests can repartition a running GPU: lines
 *                           "<index> <count>", GPU <index> then has <count> MIG devices (at most 7) whose UUIDs are
 *                           MIG-fa4e0000-0000-4000-8000-<index: 8 hex digits><slot: 4 hex digits>
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_hang.h"

typedef int nvmlReturn_t;
typedef struct fake_device *nvmlDevice_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_UNINITIALIZED = 1,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3,
    NVML_ERROR_NO_PERMISSION = 4,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9,
    NVML_ERROR_UNKNOWN = 999,
};

#define MAX_DEVICES 16
#define MAX_MIG 7

/* nvmlPciInfo_t as of NVML 11 (nvmlDeviceGetPciInfo_v3). */
typedef struct {
    char busIdLegacy[16];
    unsigned int domain;
    unsigned int bus;
    unsigned int device;
    unsigned int pciDeviceId;
    unsigned int pciSubSystemId;
    char busId[32];
} nvmlPciInfo_t;

struct fake_device {
    unsigned int index;
    unsigned int power_limit_mw;
    unsigned int persistence;
    unsigned int gpu_clock_min, gpu_clock_max;
    unsigned int mem_clock_min, mem_clock_max;
    unsigned long long energy_mj;
    nvmlReturn_t fault;
    int no_energy;
    long power_reads;
    long reset_calls;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_device devices[MAX_DEVICES];
/* MIG device handles: one per (GPU, slot); a handle is valid while the GPU has that many partitions. */
static struct fake_mig { unsigned int parent, slot; } migs[MAX_DEVICES][MAX_MIG];
static unsigned int device_count;
static int init_count;
static long power_reads;
static long init_calls;
static long shutdown_calls;

/* One line per GPU: "power_limit_mw persistence gpu_min gpu_max mem_min mem_max". */
static void load_state(void) {
    const char *path = getenv("FAKE_NVML_STATE_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return;
    for (unsigned int i = 0; i < device_count; i++) {
        struct fake_device *d = &devices[i];
        if (fscanf(f, "%u %u %u %u %u %u", &d->power_limit_mw, &d->persistence, &d->gpu_clock_min,
                   &d->gpu_clock_max, &d->mem_clock_min, &d->mem_clock_max) != 6) break;
    }
    fclose(f);
}

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static void save_state(void) {
    const char *path = getenv("FAKE_NVML_STATE_FILE");
    if (!path) return;
    pthread_mutex_lock(&state_lock);
    FILE *f = fopen(path, "w");
    if (!f) {
        pthread_mutex_unlock(&state_lock);
        return;
    }
    for (unsigned int i = 0; i < device_count; i++) {
        struct fake_device *d = &devices[i];
        fprintf(f, "%u %u %u %u %u %u\n", d->power_limit_mw, d->persistence, d->gpu_clock_min, d->gpu_clock_max,
                d->mem_clock_min, d->mem_clock_max);
    }
    fclose(f);
    pthread_mutex_unlock(&state_lock);
}

static nvmlReturn_t parse_fault(const char *name) {
    if (strncmp(name, "no_permission", 13) == 0) return NVML_ERROR_NO_PERMISSION;
    if (strncmp(name, "not_supported", 13) == 0) return NVML_ERROR_NOT_SUPPORTED;
    if (strncmp(name, "unknown", 7) == 0) return NVML_ERROR_UNKNOWN;
    return NVML_SUCCESS;
}

static void setup_devices(void) {
    const char *count = getenv("FAKE_NVML_DEVICE_COUNT");
    device_count = count ? (unsigned int) atoi(count) : 4;
    if (device_count > MAX_DEVICES) device_count = MAX_DEVICES;
    for (unsigned int i = 0; i < device_count; i++) {
        struct fake_device *d = &devices[i];
        memset(d, 0, sizeof *d);
        d->index = i;
        d->power_limit_mw = 300000;
        d->energy_mj = 1000000ULL * (i + 1);
    }
    const char *faults = getenv("FAKE_NVML_FAULTS");
    while (faults && *faults) {
        unsigned int index = (unsigned int) atoi(faults);
        const char *colon = strchr(faults, ':');
        if (!colon) break;
        if (index < device_count) devices[index].fault = parse_fault(colon + 1);
        faults = strchr(colon, ',');
        if (faults) faults++;
    }
    const char *no_energy = getenv("FAKE_NVML_NO_ENERGY");
    if (no_energy && (unsigned int) atoi(no_energy) < device_count) devices[atoi(no_energy)].no_energy = 1;
    load_state();
}

nvmlReturn_t nvmlInit_v2(void) {
    pthread_mutex_lock(&lock);
    init_calls++;
    if (getenv("FAKE_NVML_INIT_FAILS")) {
        pthread_mutex_unlock(&lock);
        return NVML_ERROR_DRIVER_NOT_LOADED;
    }
    if (init_count++ == 0) setup_devices();
    pthread_mutex_unlock(&lock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    pthread_mutex_lock(&lock);
    shutdown_calls++;
    nvmlReturn_t rc = init_count > 0 ? (init_count--, NVML_SUCCESS) : NVML_ERROR_UNINITIALIZED;
    pthread_mutex_unlock(&lock);
    return rc;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    *count = device_count;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
    if (!device || index >= device_count) return NVML_ERROR_INVALID_ARGUMENT;
    *device = &devices[index];
    return NVML_SUCCESS;
}

/* Every device call checks the handle and initialisation, as NVML does. */
#define CHECK(d) do { if (init_count == 0) return NVML_ERROR_UNINITIALIZED; \
        if ((d) < devices || (d) >= devices + device_count) return NVML_ERROR_INVALID_ARGUMENT; \
        device_call_begins("FAKE_NVML_HANG_FILE", (int) (d)->index, __func__); } while (0)
#define CHECK_WRITE(d) do { CHECK(d); if ((d)->fault) return (d)->fault; } while (0)

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int *power) {
    CHECK(d);
    if (!power) return NVML_ERROR_INVALID_ARGUMENT;
    pthread_mutex_lock(&lock);
    power_reads++;
    d->power_reads++;
    unsigned int draw = 150000 + d->index * 10000 + (unsigned int) (power_reads % 7) * 1000;
    *power = draw < d->power_limit_mw ? draw : d->power_limit_mw;
    pthread_mutex_unlock(&lock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long *energy) {
    CHECK(d);
    if (!energy) return NVML_ERROR_INVALID_ARGUMENT;
    if (d->no_energy) return NVML_ERROR_NOT_SUPPORTED;
    pthread_mutex_lock(&lock);
    d->energy_mj += 1000; /* time passes between reads */
    *energy = d->energy_mj;
    pthread_mutex_unlock(&lock);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t d, unsigned int *limit) {
    CHECK(d);
    if (!limit) return NVML_ERROR_INVALID_ARGUMENT;
    *limit = d->power_limit_mw;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t d, unsigned int *min, unsigned int *max) {
    CHECK(d);
    if (!min || !max) return NVML_ERROR_INVALID_ARGUMENT;
    *min = 100000;
    *max = 300000;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t d, int *mode) {
    CHECK(d);
    if (!mode) return NVML_ERROR_INVALID_ARGUMENT;
    *mode = (int) d->persistence;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t d, unsigned int limit) {
    CHECK_WRITE(d);
    if (limit < 100000 || limit > 300000) return NVML_ERROR_INVALID_ARGUMENT;
    d->power_limit_mw = limit;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetPersistenceMode(nvmlDevice_t d, int mode) {
    CHECK_WRITE(d);
    if (mode != 0 && mode != 1) return NVML_ERROR_INVALID_ARGUMENT;
    d->persistence = (unsigned int) mode;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetGpuLockedClocks(nvmlDevice_t d, unsigned int min, unsigned int max) {
    CHECK_WRITE(d);
    if (min > max) return NVML_ERROR_INVALID_ARGUMENT;
    d->gpu_clock_min = min;
    d->gpu_clock_max = max;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceResetGpuLockedClocks(nvmlDevice_t d) {
    CHECK(d);
    d->reset_calls++;
    if (d->fault) return d->fault;
    d->gpu_clock_min = d->gpu_clock_max = 0;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceSetMemoryLockedClocks(nvmlDevice_t d, unsigned int min, unsigned int max) {
    CHECK_WRITE(d);
    if (min > max) return NVML_ERROR_INVALID_ARGUMENT;
    d->mem_clock_min = min;
    d->mem_clock_max = max;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceResetMemoryLockedClocks(nvmlDevice_t d) {
    CHECK(d);
    d->reset_calls++;
    if (d->fault) return d->fault;
    d->mem_clock_min = d->mem_clock_max = 0;
    save_state();
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char *name, unsigned int length) {
    static const char *const models[] = { "NVIDIA H100 80GB HBM3", "Tesla P100-PCIE-16GB" };
    CHECK(d);
    if (!name) return NVML_ERROR_INVALID_ARGUMENT;
    const char *model = models[d->no_energy ? 1 : 0];
    if (strlen(model) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    strcpy(name, model);
    return NVML_SUCCESS;
}

static int is_mig(const void *d) {
    return (const char *) d >= (const char *) migs && (const char *) d < (const char *) migs + sizeof migs;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char *uuid, unsigned int length) {
    if (is_mig(d)) {
        const struct fake_mig *mig = (const struct fake_mig *) d;
        if (!uuid) return NVML_ERROR_INVALID_ARGUMENT;
        if (length < 41) return NVML_ERROR_INSUFFICIENT_SIZE;
        snprintf(uuid, length, "MIG-fa4e0000-0000-4000-8000-%08x%04x", mig->parent, mig->slot);
        return NVML_SUCCESS;
    }
    CHECK(d);
    if (!uuid) return NVML_ERROR_INVALID_ARGUMENT;
    if (length < 41) return NVML_ERROR_INSUFFICIENT_SIZE;
    snprintf(uuid, length, "GPU-fa4e0000-0000-4000-8000-%012x", d->index);
    return NVML_SUCCESS;
}

/* The number of MIG devices of GPU index now, from FAKE_NVML_MIG_FILE. */
static unsigned int mig_count(unsigned int index) {
    const char *path = getenv("FAKE_NVML_MIG_FILE");
    FILE *f = path ? fopen(path, "r") : NULL;
    unsigned int gpu, count, found = 0;
    if (!f) return 0;
    while (fscanf(f, "%u %u", &gpu, &count) == 2) {
        if (gpu == index) found = count > MAX_MIG ? MAX_MIG : count;
    }
    fclose(f);
    return found;
}

nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t d, unsigned int *count) {
    CHECK(d);
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    *count = mig_count(d->index) > 0 ? MAX_MIG : 0;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t d, unsigned int index, nvmlDevice_t *mig) {
    CHECK(d);
    if (!mig || index >= MAX_MIG) return NVML_ERROR_INVALID_ARGUMENT;
    unsigned int count = mig_count(d->index);
    if (count == 0) return NVML_ERROR_INVALID_ARGUMENT; /* MIG not enabled */
    if (index >= count) return NVML_ERROR_NOT_FOUND;
    migs[d->index][index].parent = d->index;
    migs[d->index][index].slot = index;
    *mig = (nvmlDevice_t) &migs[d->index][index];
    return NVML_SUCCESS;
}

/* Bus numbers with hex letters, so that the upper-case busId and zeus's lower-case address differ. */
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t *pci) {
    CHECK(d);
    if (!pci) return NVML_ERROR_INVALID_ARGUMENT;
    memset(pci, 0, sizeof *pci);
    pci->domain = 0;
    pci->bus = 0x1a + d->index * 0x10;
    pci->device = 0;
    pci->pciDeviceId = 0x233010de;
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%04X:%02X:%02X.0", pci->domain, pci->bus, pci->device);
    snprintf(pci->busId, sizeof pci->busId, "%08X:%02X:%02X.0", pci->domain, pci->bus, pci->device);
    return NVML_SUCCESS;
}

/* Test hooks: not part of NVML. */
long fake_nvml_power_reads_of(unsigned int index) { return devices[index].power_reads; }
long fake_nvml_reset_calls_of(unsigned int index) { return devices[index].reset_calls; }
long fake_nvml_power_reads(void) { return power_reads; }
long fake_nvml_init_calls(void) { return init_calls; }
long fake_nvml_shutdown_calls(void) { return shutdown_calls; }
long fake_nvml_foreign_thread_calls(void) { return __atomic_load_n(&foreign_thread_calls, __ATOMIC_SEQ_CST); }
const char *fake_nvml_last_foreign_thread(void) { return last_foreign_thread; }
void fake_nvml_reset_thread_counts(void) { __atomic_store_n(&foreign_thread_calls, 0, __ATOMIC_SEQ_CST); }
unsigned int fake_nvml_gpu_locked_clock_max(unsigned int index) { return devices[index].gpu_clock_max; }
unsigned int fake_nvml_mem_locked_clock_max(unsigned int index) { return devices[index].mem_clock_max; }
