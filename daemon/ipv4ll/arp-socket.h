/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The ARP edge of IPv4 link-local: an AF_PACKET socket (SOCK_DGRAM, ETH_P_ARP) bound to one
 * interface, with a classic BPF filter that lets only Ethernet/IPv4 ARP requests and replies of
 * at least ARP_PACKET_SIZE bytes through. The kernel adds and strips the Ethernet header: we send
 * ARP payloads to the broadcast MAC and learn the Ethernet source of what we receive (the acd core
 * uses it to recognise forged probes, RFC 5227 §1.1). */
#pragma once

#include <stddef.h>

#include "ipv4ll/arp-packet.h"

/* A non-blocking, close-on-exec socket for ifindex. Returns the descriptor, or a negative errno
 * (-EPERM without CAP_NET_RAW). */
int arp_socket_open(int ifindex);

/* Broadcast one ARP payload (len bytes, normally ARP_PACKET_SIZE) on ifindex. Returns 0 or a
 * negative errno. */
int arp_socket_send(int fd, int ifindex, const void *packet, size_t len);

/* Read one packet. Returns 0 and fills *ret (with the Ethernet source); -EAGAIN when nothing is
 * left; -EBADMSG / -EPROTONOSUPPORT for a packet that is not a valid Ethernet/IPv4 ARP packet
 * (consumed; read on); -ELOOP for our own packet seen on its way out (consumed; read on); another
 * negative errno if the socket failed. */
int arp_socket_receive(int fd, struct arp_packet *ret);
