/* fixed200: the HTTP-library ceiling. A minimal libmicrohttpd server in the
 * same threading mode as linli (epoll, internal thread pool) that answers
 * every request with 200 and a fixed JSON body about the size of linli's
 * health answer, from one persistent response. No routing, no JSON, no
 * store, no logging: whatever linli costs above this is linli's own.
 *
 * usage: fixed200 PORT THREADS      (runs until SIGINT/SIGTERM)
 * Listens on 127.0.0.1 only. PORT 0 lets the kernel pick a free port.
 * Prints "listening 127.0.0.1:PORT threads=N" on stdout when ready. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char BODY[] =
    "{\"status\":\"ok\",\"version\":\"0.1.0\",\"backend\":\"sqlite\",\"store\":\"ok\","
    "\"time\":\"2026-11-23T08:00:00+08:00\"}";

static struct MHD_Response *g_resp;
static volatile sig_atomic_t g_stop;

static void on_signal(int sig) { (void)sig; g_stop = 1; }

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version,
                               const char *upload_data, size_t *upload_data_size,
                               void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    /* Drain any request body (first call sets up, later calls consume). */
    if (*con_cls == NULL) { *con_cls = (void *)1; return MHD_YES; }
    if (*upload_data_size != 0) { *upload_data_size = 0; return MHD_YES; }
    return MHD_queue_response(conn, MHD_HTTP_OK, g_resp);
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe) {
    (void)cls; (void)conn; (void)toe;
    *con_cls = NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int threads = atoi(argv[2]);
    if (port < 0 || port > 65535 || threads <= 0 || threads > 1024) {
        fprintf(stderr, "bad PORT or THREADS\n");
        return 2;
    }
    g_resp = MHD_create_response_from_buffer(sizeof BODY - 1, (void *)BODY,
                                             MHD_RESPMEM_PERSISTENT);
    if (!g_resp) return 1;
    MHD_add_response_header(g_resp, "Content-Type", "application/json");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL,
        handler, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)1024,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fixed200: MHD_start_daemon failed on port %d\n", port);
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (info && info->port) port = info->port;
    printf("listening 127.0.0.1:%d threads=%d\n", port, threads);
    fflush(stdout);
    while (!g_stop) pause();
    MHD_stop_daemon(d);
    MHD_destroy_response(g_resp);
    return 0;
}
