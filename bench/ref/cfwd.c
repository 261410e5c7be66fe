/* cfwd.c HOST PORT UPHOST UPPORT [copy|splice]: the floor of a TCP forwarder: a thread per direction
   moving bytes with blocking recv/send through a 256 KiB buffer (copy), or splice(2) through a 1 MiB pipe
   (splice); nothing else (no options, no accounting). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
static struct sockaddr_in up;
static int splicing;
struct dir { int from, to, *left; pthread_mutex_t *m; };
static void *pump(void *p) {
    struct dir *d = p;
    if (splicing) {
        int pp[2];
        if (pipe(pp) == 0) {
            fcntl(pp[1], F_SETPIPE_SZ, 1 << 20);
            for (;;) {
                ssize_t n = splice(d->from, NULL, pp[1], NULL, 1 << 20, SPLICE_F_MOVE);
                if (n <= 0) break;
                while (n > 0) {
                    ssize_t m = splice(pp[0], NULL, d->to, NULL, n, SPLICE_F_MOVE);
                    if (m <= 0) { n = -1; break; }
                    n -= m;
                }
                if (n < 0) break;
            }
            close(pp[0]); close(pp[1]);
        }
    } else {
        static __thread char buf[256 * 1024];
        for (;;) {
            ssize_t n = recv(d->from, buf, sizeof buf, 0), off = 0;
            if (n <= 0) break;
            while (off < n) {
                ssize_t m = send(d->to, buf + off, n - off, MSG_NOSIGNAL);
                if (m <= 0) { off = -1; break; }
                off += m;
            }
            if (off < 0) break;
        }
    }
    shutdown(d->to, SHUT_WR);
    pthread_mutex_lock(d->m);
    int last = --*d->left == 0;
    pthread_mutex_unlock(d->m);
    if (last) { close(d->from); close(d->to); free(d->left); free(d->m); }
    free(d);
    return NULL;
}
int main(int argc, char **argv) {
    if (argc < 5) return 2;
    splicing = argc > 5 && strcmp(argv[5], "splice") == 0;
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &a.sin_addr);
    up.sin_family = AF_INET; up.sin_port = htons(atoi(argv[4])); inet_pton(AF_INET, argv[3], &up.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); return 1; }
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) continue;
        int u = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(u, (struct sockaddr *)&up, sizeof up)) { close(c); close(u); continue; }
        int *left = malloc(sizeof *left); *left = 2;
        pthread_mutex_t *m = malloc(sizeof *m); pthread_mutex_init(m, NULL);
        struct dir *d1 = malloc(sizeof *d1), *d2 = malloc(sizeof *d2);
        *d1 = (struct dir){c, u, left, m}; *d2 = (struct dir){u, c, left, m};
        pthread_t t;
        pthread_attr_t at; pthread_attr_init(&at); pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
        pthread_create(&t, &at, pump, d1); pthread_create(&t, &at, pump, d2);
    }
}
