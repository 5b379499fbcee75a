// A small bridge to the system libcurl, loaded with dlopen the first time it is needed, so that
// rolecheck does not load libcurl and its thirty-odd dependencies at every start (only
// `rolecheck catalog update` fetches over HTTP). Used by RoleCheckCollect/CatalogUpdate.swift.
#ifndef CCURL_SHIM_H
#define CCURL_SHIM_H

#include <stddef.h>

/// What one GET gave.
typedef struct {
    /// 0: a response arrived (see http_code); 1: libcurl could not be loaded; 2: the transfer
    /// failed (see error); 3: the body was over the limit; 4: no answer within the time limits.
    int outcome;
    long http_code;
    /// The body (malloc'd; freed by rc_fetch_free).
    unsigned char *data;
    size_t size;
    /// The Location of a redirect response, or empty.
    char redirect[4096];
    /// libcurl's message for a failed transfer, or why libcurl could not be loaded.
    char error[512];
} rc_fetch_result;

/// GETs `url` (http or https only; redirects are not followed). At most `limit` bytes of body are
/// accepted; `idle_seconds` bounds the wait to connect and any stretch without data,
/// `total_seconds` the whole transfer. Thread-safe.
void rc_fetch(const char *url, size_t limit, long idle_seconds, long total_seconds,
              const char *user_agent, rc_fetch_result *out);

/// Frees what rc_fetch allocated.
void rc_fetch_free(rc_fetch_result *result);

#endif
