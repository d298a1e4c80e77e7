/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS-SD syntax rules (RFC 6763, RFC 6335) for anything that names or describes a service:
 * service types, subtypes, instance names, TXT strings, interface names; and the strict hex and
 * base64 decoders used for binary TXT values. Pure functions, no allocation, no I/O: the service
 * file parser and (later) the D-Bus entry groups share them.
 *
 * Each check returns 0 or a negative errno and, on error, sets *reason to a static English
 * sentence fragment ("the service name must be 1 to 15 characters") for the caller's message. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* RFC 6335 §5.1: service names are 1 to 15 characters */
#define DNSSD_SERVICE_NAME_MAX 15
/* RFC 6763 §4.1.1: the instance name is one label, at most 63 octets of UTF-8 */
#define DNSSD_INSTANCE_NAME_MAX 63
/* RFC 6763 §7.1: a subtype is one label */
#define DNSSD_SUBTYPE_MAX 63
/* RFC 1035 §3.3: a TXT <character-string> is at most 255 octets */
#define DNSSD_TXT_STRING_MAX 255
/* RFC 6763 §6.2: "a TXT record larger than 1300 bytes is not recommended" — warn above this */
#define DNSSD_TXT_SIZE_WARN 1300
/* RFC 6763 §6.2 / RFC 6762 §17: the record must fit one packet (9000 bytes minus the IP, UDP and
 * DNS headers and the record's own name and fixed fields): we refuse TXT rdata above this. */
#define DNSSD_TXT_SIZE_MAX 8900
/* Linux IFNAMSIZ - 1 */
#define DNSSD_IFNAME_MAX 15

/* Whether s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). */
bool dnssd_utf8_is_valid(const void *s, size_t len);

/* Valid UTF-8 without control characters (C0, DEL, C1): the text of an instance name or subtype,
 * whatever its length. */
int dnssd_check_label_text(const void *s, size_t len, const char **reason);

/* RFC 6763 §7: "_name._tcp" or "_name._udp" (the protocol label matched case-insensitively), the
 * name per RFC 6335 §5.1: 1–15 characters, letters, digits and hyphens, at least one letter, no
 * hyphen at either end, no two hyphens in a row. */
int dnssd_check_service_type(const char *type, const char **reason);

/* RFC 6763 §7.1: one subtype label, 1–63 octets of UTF-8, no control characters, no dot (the
 * short form only: see dnssd_parse_subtype() for "_sub._sub._type._proto"). */
int dnssd_check_subtype_label(const char *label, const char **reason);

/* A subtype as a file may write it: either the label alone ("_printer") or the full form
 * "_printer._sub._http._tcp", whose type part must equal `type` (ASCII case-insensitively).
 * On success copies the label (NUL-terminated) to label_out[DNSSD_SUBTYPE_MAX + 1]. */
int dnssd_parse_subtype(const char *text, const char *type, char *label_out, const char **reason);

/* RFC 6763 §4.1.1: an instance name, 1–63 octets, valid UTF-8, no control characters (C0, DEL,
 * and the C1 range U+0080–U+009F, which RFC 5198 Net-Unicode excludes as well). Dots and every
 * other character are allowed: the name is one raw label (§4.3). */
int dnssd_check_instance_name(const void *name, size_t len, const char **reason);

/* RFC 6763 §6.4: the key of one TXT string (the octets before the first '=', or the whole string
 * when there is none): at least one character, printable US-ASCII 0x20–0x7E, no '='. */
int dnssd_check_txt_key(const void *key, size_t len, const char **reason);
/* One TXT string: its key as above and at most 255 octets in all (RFC 1035 §3.3). */
int dnssd_check_txt_string(const void *s, size_t len, const char **reason);
/* The length of the key of a TXT string (up to the first '=' or the end). */
size_t dnssd_txt_key_length(const void *s, size_t len);
/* Whether two TXT strings have the same key, ASCII case-insensitively (RFC 6763 §6.4). */
bool dnssd_txt_same_key(const void *a, size_t alen, const void *b, size_t blen);

/* A Linux interface name: 1–15 octets, not "." or "..", no '/', ':', whitespace or control
 * characters (the kernel's dev_valid_name() plus the control characters). */
int dnssd_check_ifname(const char *name, const char **reason);

/* Strict decoders for binary TXT values. hex: an even number of hex digits (either case), nothing
 * else. base64: RFC 4648 §4 alphabet, length a multiple of 4, '=' padding only at the end, unused
 * bits zero (the canonical encoding only). Both accept the empty string. Write at most `size`
 * octets to out; return the decoded length, -EINVAL (bad input) or -ENOBUFS. */
int dnssd_decode_hex(const char *text, size_t len, uint8_t *out, size_t size);
int dnssd_decode_base64(const char *text, size_t len, uint8_t *out, size_t size);
