// See include/ccurl_shim.h. libcurl's ABI is stable: the option and info numbers below are those
// of curl.h (they have not changed since they were introduced), so no curl headers are needed to
// build rolecheck.
#include "ccurl_shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

typedef void CURL;
typedef int CURLcode;
typedef int CURLoption;
typedef int CURLINFO;

enum {
    OPT_WRITEDATA = 10001,
    OPT_URL = 10002,
    OPT_ERRORBUFFER = 10010,
    OPT_WRITEFUNCTION = 20011,
    OPT_TIMEOUT = 13,
    OPT_USERAGENT = 10018,
    OPT_LOW_SPEED_LIMIT = 19,
    OPT_LOW_SPEED_TIME = 20,
    OPT_FOLLOWLOCATION = 52,
    OPT_CONNECTTIMEOUT = 78,
    OPT_NOSIGNAL = 99,
    OPT_ACCEPT_ENCODING = 10102,
    OPT_MAXFILESIZE_LARGE = 30117,
    OPT_PROTOCOLS = 181,
    INFO_RESPONSE_CODE = 0x200000 + 2,
    INFO_REDIRECT_URL = 0x100000 + 31,
    PROTO_HTTP = 1,
    PROTO_HTTPS = 2,
    GLOBAL_DEFAULT = 3,
    E_OK = 0,
    E_WRITE_ERROR = 23,
    E_OPERATION_TIMEDOUT = 28,
    E_FILESIZE_EXCEEDED = 63,
    ERROR_SIZE = 256,
};

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    char why[512];
    int loaded;
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    static const char *names[] = {
#if defined(__APPLE__)
        "/usr/lib/libcurl.4.dylib", "libcurl.4.dylib", "libcurl.dylib",
#else
        "libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so",
#endif
    };
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(curl.why, sizeof curl.why, "cannot load libcurl (%s); install libcurl (Debian and Ubuntu: libcurl4) to fetch over HTTP, or give --source a local copy",
                 e ? e : "not found");
        return;
    }
#define SYM(field, name) *(void **)(&curl.field) = dlsym(lib, name)
    SYM(global_init, "curl_global_init");
    SYM(easy_init, "curl_easy_init");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(easy_strerror, "curl_easy_strerror");
#undef SYM
    if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo
        || !curl.easy_cleanup || !curl.easy_strerror) {
        snprintf(curl.why, sizeof curl.why, "the libcurl found lacks functions rolecheck needs");
        return;
    }
    if (curl.global_init(GLOBAL_DEFAULT) != E_OK) {
        snprintf(curl.why, sizeof curl.why, "libcurl could not be initialised");
        return;
    }
    curl.loaded = 1;
}

typedef struct {
    unsigned char *data;
    size_t size, capacity, limit;
    int over;
} sink;

static size_t write_body(char *ptr, size_t size, size_t count, void *context) {
    sink *s = context;
    size_t n = size * count;
    if (s->over || n > s->limit - s->size) {
        s->over = 1;
        return 0;  // libcurl stops the transfer (CURLE_WRITE_ERROR)
    }
    if (s->size + n > s->capacity) {
        size_t capacity = s->capacity ? s->capacity : 65536;
        while (capacity < s->size + n) capacity *= 2;
        if (capacity > s->limit) capacity = s->limit;
        unsigned char *grown = realloc(s->data, capacity);
        if (!grown) {
            s->over = 1;
            return 0;
        }
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, ptr, n);
    s->size += n;
    return n;
}

void rc_fetch(const char *url, size_t limit, long idle_seconds, long total_seconds,
              const char *user_agent, rc_fetch_result *out) {
    memset(out, 0, sizeof *out);
    pthread_once(&load_once, load);
    if (!curl.loaded) {
        out->outcome = 1;
        snprintf(out->error, sizeof out->error, "%s", curl.why);
        return;
    }
    CURL *h = curl.easy_init();
    if (!h) {
        out->outcome = 2;
        snprintf(out->error, sizeof out->error, "libcurl could not start a transfer");
        return;
    }
    char errors[ERROR_SIZE];
    errors[0] = 0;
    sink s = {NULL, 0, 0, limit, 0};
    curl.easy_setopt(h, OPT_URL, url);
    curl.easy_setopt(h, OPT_PROTOCOLS, (long)(PROTO_HTTP | PROTO_HTTPS));
    curl.easy_setopt(h, OPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(h, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, OPT_ERRORBUFFER, errors);
    curl.easy_setopt(h, OPT_WRITEFUNCTION, write_body);
    curl.easy_setopt(h, OPT_WRITEDATA, &s);
    curl.easy_setopt(h, OPT_USERAGENT, user_agent);
    curl.easy_setopt(h, OPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(h, OPT_MAXFILESIZE_LARGE, (long long)limit);
    curl.easy_setopt(h, OPT_CONNECTTIMEOUT, idle_seconds);
    curl.easy_setopt(h, OPT_LOW_SPEED_LIMIT, 1L);
    curl.easy_setopt(h, OPT_LOW_SPEED_TIME, idle_seconds);
    curl.easy_setopt(h, OPT_TIMEOUT, total_seconds);
    CURLcode code = curl.easy_perform(h);
    long status = 0;
    curl.easy_getinfo(h, INFO_RESPONSE_CODE, &status);
    out->http_code = status;
    char *location = NULL;
    if (curl.easy_getinfo(h, INFO_REDIRECT_URL, &location) == E_OK && location) {
        snprintf(out->redirect, sizeof out->redirect, "%s", location);
    }
    if (code == E_OK) {
        out->outcome = 0;
        out->data = s.data;
        out->size = s.size;
        s.data = NULL;
    } else if (s.over || code == E_FILESIZE_EXCEEDED) {
        out->outcome = 3;
    } else if (code == E_OPERATION_TIMEDOUT) {
        out->outcome = 4;
        snprintf(out->error, sizeof out->error, "%s", errors[0] ? errors : curl.easy_strerror(code));
    } else {
        out->outcome = 2;
        snprintf(out->error, sizeof out->error, "%s", errors[0] ? errors : curl.easy_strerror(code));
        (void)E_WRITE_ERROR;
    }
    free(s.data);
    curl.easy_cleanup(h);
}

void rc_fetch_free(rc_fetch_result *result) {
    free(result->data);
    result->data = NULL;
    result->size = 0;
}
