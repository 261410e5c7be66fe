/* chub.c HOST PORT: the floor of a broker hub: one thread, epoll, relays what a client sends to all the others
   with one send(2) each, walking an array of descriptors; no queues (a send that does not take everything
   drops the rest: the benchmark's lines are short and the clients read) */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    inet_pton(AF_INET, argv[1], &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 4096)) { perror("listen"); return 1; }
    int ep = epoll_create1(0), cap = 1024, n = 0, *fds = malloc(cap * sizeof(int));
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls}, evs[256];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static char buf[65536];
    for (;;) {
        int k = epoll_wait(ep, evs, 256, -1);
        for (int i = 0; i < k; i++) {
            int fd = evs[i].data.fd;
            if (fd == ls) {
                int c;
                while ((c = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    if (n == cap) fds = realloc(fds, (cap *= 2) * sizeof(int));
                    fds[n++] = c;
                    ev.data.fd = c; epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
                }
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r <= 0) {
                close(fd);
                for (int j = 0; j < n; j++) if (fds[j] == fd) { fds[j] = fds[--n]; break; }
                continue;
            }
            for (int j = 0; j < n; j++) if (fds[j] != fd) send(fds[j], buf, r, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
    }
}
