/*
 * loadgen: a small HTTP/1.1 load tool for the zeusd benchmark, over a Unix socket or TCP.
 *
 *   loadgen req   TARGET PATH CONNS SECONDS [GAP_MS]   keep-alive GETs; prints latency percentiles and req/s
 *   loadgen sse   TARGET PATH CONNS SECONDS            SSE subscribers; prints events/s per subscriber
 *   loadgen first TARGET PATH START_NS TIMEOUT_S       retries a GET until 200; prints ms since START_NS
 *
 * TARGET is unix:/path/to.sock or tcp:HOST:PORT. Output is one JSON object on stdout.
 * One thread, epoll, non-blocking sockets: the tool itself stays small next to the server it measures.
 * GAP_MS > 0 waits that long between a response and the next request (one connection only).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUF 65536

static struct sockaddr_storage addr;
static socklen_t addr_len;
static char request[1024];
static size_t request_len;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void die(const char *msg) {
    fprintf(stderr, "loadgen: %s: %s\n", msg, strerror(errno));
    exit(1);
}

static void parse_target(const char *target) {
    memset(&addr, 0, sizeof addr);
    if (strncmp(target, "unix:", 5) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&addr;
        un->sun_family = AF_UNIX;
        strncpy(un->sun_path, target + 5, sizeof un->sun_path - 1);
        addr_len = sizeof *un;
    } else if (strncmp(target, "tcp:", 4) == 0) {
        struct sockaddr_in *in = (struct sockaddr_in *)&addr;
        char host[256];
        const char *colon = strrchr(target + 4, ':');
        if (!colon || (size_t)(colon - target - 4) >= sizeof host) {
            fprintf(stderr, "loadgen: bad target %s\n", target);
            exit(2);
        }
        memcpy(host, target + 4, (size_t)(colon - target - 4));
        host[colon - target - 4] = 0;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1) {
            fprintf(stderr, "loadgen: TCP host must be an IPv4 address: %s\n", host);
            exit(2);
        }
        addr_len = sizeof *in;
    } else {
        fprintf(stderr, "loadgen: TARGET must be unix:PATH or tcp:HOST:PORT\n");
        exit(2);
    }
}

static int connect_blocking(void) {
    int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&addr, addr_len) < 0) {
        close(fd);
        return -1;
    }
    if (addr.ss_family == AF_INET) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

static void set_nonblocking(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void build_request(const char *path, int sse) {
    request_len = (size_t)snprintf(request, sizeof request,
                                   "GET %s HTTP/1.1\r\nHost: localhost\r\n%s\r\n", path,
                                   sse ? "Accept: text/event-stream\r\n" : "");
}

/* ---- one HTTP response at a time on a keep-alive connection ---- */

struct conn {
    int fd;
    char buf[BUF];
    size_t len;
    uint64_t sent_at;
    int status;
};

/* Returns the length of the first complete response in c->buf, 0 if incomplete, -1 if malformed. */
static long complete_response(struct conn *c) {
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end) return 0;
    size_t head = (size_t)(end - c->buf) + 4;
    c->status = atoi(c->buf + 9);
    char *cl = memmem(c->buf, head, "Content-Length:", 15);
    if (!cl) cl = memmem(c->buf, head, "content-length:", 15);
    if (cl) {
        size_t body = (size_t)strtoul(cl + 15, NULL, 10);
        return c->len >= head + body ? (long)(head + body) : 0;
    }
    if (memmem(c->buf, head, "chunked", 7)) {
        char *last = memmem(c->buf + head, c->len - head, "0\r\n\r\n", 5);
        return last ? (long)(last + 5 - c->buf) : 0;
    }
    return -1;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile_us(uint64_t *v, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

static void send_request(struct conn *c) {
    c->sent_at = now_ns();
    if (write(c->fd, request, request_len) != (ssize_t)request_len) die("write");
}

static int run_requests(int conns, double seconds, int gap_ms) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    size_t cap = 1 << 20, n = 0;
    uint64_t *lat = malloc(cap * sizeof *lat);
    long errors = 0, non200 = 0;
    for (int i = 0; i < conns; i++) {
        cs[i].fd = connect_blocking();
        if (cs[i].fd < 0) die("connect");
        set_nonblocking(cs[i].fd);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
    }
    uint64_t start = now_ns(), deadline = start + (uint64_t)(seconds * 1e9);
    for (int i = 0; i < conns; i++) send_request(&cs[i]);
    struct epoll_event events[256];
    uint64_t now = start;
    while ((now = now_ns()) < deadline) {
        int ready = epoll_wait(ep, events, 256, 100);
        for (int e = 0; e < ready; e++) {
            struct conn *c = events[e].data.ptr;
            ssize_t r = read(c->fd, c->buf + c->len, BUF - c->len);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                errors++;
                fprintf(stderr, "loadgen: connection closed by server\n");
                return 1;
            }
            c->len += (size_t)r;
            long used;
            while ((used = complete_response(c)) > 0) {
                uint64_t t = now_ns();
                if (n == cap) lat = realloc(lat, (cap *= 2) * sizeof *lat);
                lat[n++] = t - c->sent_at;
                if (c->status != 200) non200++;
                memmove(c->buf, c->buf + used, c->len - (size_t)used);
                c->len -= (size_t)used;
                if (gap_ms > 0) {
                    struct timespec gap = {gap_ms / 1000, (long)(gap_ms % 1000) * 1000000L};
                    nanosleep(&gap, NULL);
                }
                send_request(c);
            }
            if (used < 0) {
                fprintf(stderr, "loadgen: response without a length\n");
                return 1;
            }
        }
    }
    double elapsed = (double)(now - start) / 1e9;
    qsort(lat, n, sizeof *lat, cmp_u64);
    printf("{\"requests\":%zu,\"rps\":%.0f,\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,"
           "\"max_us\":%.1f,\"non_200\":%ld,\"errors\":%ld}\n",
           n, (double)n / elapsed, percentile_us(lat, n, 0.50), percentile_us(lat, n, 0.90),
           percentile_us(lat, n, 0.99), n ? (double)lat[n - 1] / 1000.0 : 0, non200, errors);
    return non200 || errors ? 1 : 0;
}

/* ---- SSE subscribers: count events (blank-line terminated) per connection ---- */

struct subscriber {
    int fd;
    uint32_t header_tail; /* last 4 header bytes, to find "\r\n\r\n" */
    int headers_done;
    int chunked;
    char head[2048];      /* the response head, to see Transfer-Encoding */
    size_t head_len;
    /* chunked decoding: in SIZE state parse hex digits up to "\n"; in DATA state pass `left` bytes on */
    enum { SIZE, DATA, DATA_END } state;
    size_t left;
    char last;            /* last body byte, to find "\n\n" */
    long events;
};

static void body_byte(struct subscriber *s, char ch) {
    if (ch == '\n' && s->last == '\n') s->events++;
    s->last = ch;
}

static void feed(struct subscriber *s, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (!s->headers_done) {
            if (s->head_len < sizeof s->head - 1) s->head[s->head_len++] = ch;
            s->header_tail = (s->header_tail << 8) | (unsigned char)ch;
            if (s->header_tail == 0x0d0a0d0a) {
                s->head[s->head_len] = 0;
                s->headers_done = 1;
                s->chunked = strcasestr(s->head, "transfer-encoding: chunked") != NULL;
                s->state = SIZE;
                s->left = 0;
            }
            continue;
        }
        if (!s->chunked) {
            body_byte(s, ch);
            continue;
        }
        switch (s->state) {
        case SIZE:
            if (ch == '\n') {
                s->state = s->left ? DATA : DATA_END;
            } else if (ch != '\r') {
                int digit = ch >= '0' && ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10;
                s->left = s->left * 16 + (size_t)digit;
            }
            break;
        case DATA:
            body_byte(s, ch);
            if (--s->left == 0) s->state = DATA_END;
            break;
        case DATA_END: /* the CRLF after a chunk */
            if (ch == '\n') {
                s->state = SIZE;
                s->left = 0;
            }
            break;
        }
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int run_sse(int conns, double seconds) {
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct subscriber *subs = calloc((size_t)conns, sizeof *subs);
    long failed = 0;
    for (int i = 0; i < conns; i++) {
        subs[i].fd = connect_blocking();
        if (subs[i].fd < 0) {
            failed++;
            continue;
        }
        if (write(subs[i].fd, request, request_len) != (ssize_t)request_len) die("write");
        set_nonblocking(subs[i].fd);
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &subs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &ev);
    }
    /* one second to settle (the first event may be a cached snapshot), then count */
    uint64_t count_from = now_ns() + 1000000000ull;
    uint64_t deadline = count_from + (uint64_t)(seconds * 1e9);
    int counting = 0;
    struct epoll_event events[512];
    static char scratch[BUF];
    uint64_t now;
    while ((now = now_ns()) < deadline) {
        if (!counting && now >= count_from) {
            for (int i = 0; i < conns; i++) subs[i].events = 0;
            counting = 1;
        }
        int ready = epoll_wait(ep, events, 512, 20);
        for (int e = 0; e < ready; e++) {
            struct subscriber *s = events[e].data.ptr;
            ssize_t r = read(s->fd, scratch, sizeof scratch);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                epoll_ctl(ep, EPOLL_CTL_DEL, s->fd, NULL);
                close(s->fd);
                s->fd = -1;
                failed++;
                continue;
            }
            feed(s, scratch, (size_t)r);
        }
    }
    double *rates = malloc((size_t)conns * sizeof *rates);
    size_t live = 0;
    for (int i = 0; i < conns; i++) {
        if (subs[i].fd >= 0) rates[live++] = (double)subs[i].events / seconds;
    }
    qsort(rates, live, sizeof *rates, cmp_double);
    printf("{\"subscribers\":%d,\"live\":%zu,\"failed\":%ld,\"min_eps\":%.2f,\"median_eps\":%.2f,"
           "\"max_eps\":%.2f}\n",
           conns, live, failed, live ? rates[0] : 0, live ? rates[live / 2] : 0,
           live ? rates[live - 1] : 0);
    return failed ? 1 : 0;
}

/* ---- start-up: first 200 ---- */

static int run_first(uint64_t start_ns, double timeout_s) {
    uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
    struct conn c;
    while (now_ns() < deadline) {
        int fd = connect_blocking();
        if (fd >= 0) {
            memset(&c, 0, sizeof c);
            c.fd = fd;
            if (write(fd, request, request_len) == (ssize_t)request_len) {
                ssize_t r;
                while ((r = read(fd, c.buf + c.len, BUF - c.len)) > 0) {
                    c.len += (size_t)r;
                    if (complete_response(&c) > 0) break;
                }
                if (complete_response(&c) > 0 && c.status == 200) {
                    printf("{\"first_200_ms\":%.1f}\n", (double)(realtime_ns() - start_ns) / 1e6);
                    close(fd);
                    return 0;
                }
            }
            close(fd);
        }
        struct timespec pause = {0, 2000000};
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "loadgen: no 200 within %.0f s\n", timeout_s);
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: loadgen req|sse TARGET PATH CONNS SECONDS [GAP_MS]\n"
                        "       loadgen first TARGET PATH START_NS TIMEOUT_S\n");
        return 2;
    }
    parse_target(argv[2]);
    int sse = strcmp(argv[1], "sse") == 0;
    build_request(argv[3], sse);
    if (strcmp(argv[1], "first") == 0) return run_first(strtoull(argv[4], NULL, 10), atof(argv[5]));
    int conns = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (sse) return run_sse(conns, seconds);
    return run_requests(conns, seconds, argc > 6 ? atoi(argv[6]) : 0);
}
