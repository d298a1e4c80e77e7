/* udp-echo.c — the ceiling of tests/bench/run.sh: a bare UDP server that answers every datagram
 * on ADDR:PORT with the datagram itself, the DNS QR bit set (so dnsperf counts it as an answer),
 * in batches of recvmmsg/sendmmsg. No parsing, no state: what one core can do on this LAN.
 *
 *   udp-echo ADDR PORT
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define SIZE 2048

int main(int argc, char **argv) {
        static char bufs[BATCH][SIZE];
        struct mmsghdr msgs[BATCH];
        struct iovec iovs[BATCH];
        struct sockaddr_in peers[BATCH];
        struct sockaddr_in sa = { .sin_family = AF_INET };
        int fd, one = 1;

        if (argc != 3) {
                fprintf(stderr, "usage: udp-echo ADDR PORT\n");
                return 2;
        }
        sa.sin_port = htons((unsigned short) atoi(argv[2]));
        if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
                fprintf(stderr, "udp-echo: bad address %s\n", argv[1]);
                return 2;
        }
        fd = socket(AF_INET, SOCK_DGRAM, 0);
        if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
            bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                perror("udp-echo");
                return 1;
        }
        for (;;) {
                int n;
                for (int i = 0; i < BATCH; i++) {
                        iovs[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = SIZE };
                        msgs[i].msg_hdr = (struct msghdr){ .msg_name = &peers[i], .msg_namelen = sizeof peers[i],
                                                           .msg_iov = &iovs[i], .msg_iovlen = 1 };
                }
                n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
                if (n <= 0)
                        continue;
                for (int i = 0; i < n; i++) {
                        iovs[i].iov_len = msgs[i].msg_len;
                        if (msgs[i].msg_len > 2)
                                bufs[i][2] |= (char) 0x80;
                }
                for (int done = 0; done < n;) {
                        int k = sendmmsg(fd, msgs + done, (unsigned) (n - done), 0);
                        if (k <= 0)
                                break;
                        done += k;
                }
        }
}
