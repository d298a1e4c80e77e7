/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS-SD syntax rules: RFC 6763 §4.1.1 (instance names), §6 (TXT), §7 and §7.1 (service types and
 * subtypes), RFC 6335 §5.1 (service names); strict hex and base64 (RFC 4648) decoders. */
#include <errno.h>
#include <string.h>

#include "dnssd/validate.h"

static bool is_alpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

static char ascii_lower(char c) {
        return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

static bool ascii_equal_n(const char *a, const char *b, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (ascii_lower(a[i]) != ascii_lower(b[i]))
                        return false;
        return true;
}

/* Decode one UTF-8 sequence at s[0..len): the code point, or -1 if malformed; *n its length. */
static long utf8_next(const uint8_t *s, size_t len, size_t *n) {
        uint8_t c = s[0];
        size_t k;
        long cp, min;

        if (c < 0x80) {
                *n = 1;
                return c;
        }
        if (c >= 0xC2 && c <= 0xDF) {
                k = 2;
                cp = c & 0x1F;
                min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
                k = 3;
                cp = c & 0x0F;
                min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
                k = 4;
                cp = c & 0x07;
                min = 0x10000;
        } else
                return -1; /* continuation octet, C0/C1 (overlong) or F5..FF */
        if (len < k)
                return -1;
        for (size_t i = 1; i < k; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return -1;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        /* RFC 3629 §3: no overlong forms, no surrogates, nothing above U+10FFFF */
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
                return -1;
        *n = k;
        return cp;
}

bool dnssd_utf8_is_valid(const void *s, size_t len) {
        const uint8_t *p = s;
        size_t i = 0, n;

        while (i < len) {
                if (utf8_next(p + i, len - i, &n) < 0)
                        return false;
                i += n;
        }
        return true;
}

/* UTF-8 without control characters: C0, DEL and C1 (RFC 6763 §4.1.1, RFC 5198 §2). */
int dnssd_check_label_text(const void *s, size_t len, const char **reason) {
        const uint8_t *p = s;
        size_t i = 0, n;

        while (i < len) {
                long cp = utf8_next(p + i, len - i, &n);
                if (cp < 0) {
                        *reason = "it is not valid UTF-8";
                        return -EINVAL;
                }
                if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
                        *reason = "it contains a control character";
                        return -EINVAL;
                }
                i += n;
        }
        return 0;
}

int dnssd_check_service_type(const char *type, const char **reason) {
        const char *dot, *proto;
        size_t n;
        bool letter = false;

        /* RFC 6763 §7: <Service> = "_" service-name "." "_tcp" | "_udp" */
        if (type[0] != '_') {
                *reason = "a service type is _name._tcp or _name._udp and must begin with '_'";
                return -EINVAL;
        }
        dot = strchr(type, '.');
        if (!dot) {
                *reason = "a service type is _name._tcp or _name._udp";
                return -EINVAL;
        }
        proto = dot + 1;
        if (strlen(proto) != 4 || !(ascii_equal_n(proto, "_tcp", 4) || ascii_equal_n(proto, "_udp", 4))) {
                *reason = "the protocol must be _tcp or _udp (RFC 6763 section 7)";
                return -EINVAL;
        }
        /* RFC 6335 §5.1: the service name */
        n = (size_t) (dot - type) - 1;
        if (n < 1 || n > DNSSD_SERVICE_NAME_MAX) {
                *reason = "the service name must be 1 to 15 characters (RFC 6335 section 5.1)";
                return -EINVAL;
        }
        for (size_t i = 1; i <= n; i++) {
                char c = type[i];
                if (c == '-') {
                        if (i == 1 || i == n) {
                                *reason = "the service name may not begin or end with a hyphen (RFC 6335 section 5.1)";
                                return -EINVAL;
                        }
                        if (type[i - 1] == '-') {
                                *reason = "the service name may not contain two hyphens in a row (RFC 6335 section 5.1)";
                                return -EINVAL;
                        }
                } else if (is_alpha(c))
                        letter = true;
                else if (!is_digit(c)) {
                        *reason = "the service name may contain only letters, digits and hyphens (RFC 6335 section 5.1)";
                        return -EINVAL;
                }
        }
        if (!letter) {
                *reason = "the service name must contain at least one letter (RFC 6335 section 5.1)";
                return -EINVAL;
        }
        return 0;
}

int dnssd_check_subtype_label(const char *label, const char **reason) {
        size_t len = strlen(label);
        int r;

        /* RFC 6763 §7.1: one label */
        if (len == 0) {
                *reason = "a subtype may not be empty";
                return -EINVAL;
        }
        if (len > DNSSD_SUBTYPE_MAX) {
                *reason = "a subtype is one DNS label of at most 63 bytes (RFC 6763 section 7.1)";
                return -EINVAL;
        }
        r = dnssd_check_label_text(label, len, reason);
        if (r < 0)
                return r;
        if (memchr(label, '.', len)) {
                *reason = "a subtype is one label and may not contain a dot (write _sub._sub._type._proto or _sub alone)";
                return -EINVAL;
        }
        return 0;
}

int dnssd_parse_subtype(const char *text, const char *type, char *label_out, const char **reason) {
        const char *sub = strstr(text, "._sub.");
        size_t len;
        int r;

        if (sub) {
                /* RFC 6763 §7.1: <subtype>._sub.<type>: the full form, as Avahi's files write it */
                const char *rest = sub + strlen("._sub.");
                if (strlen(rest) != strlen(type) || !ascii_equal_n(rest, type, strlen(type))) {
                        *reason = "the full subtype form must end in ._sub. and this service's own type";
                        return -EINVAL;
                }
                len = (size_t) (sub - text);
        } else
                len = strlen(text);

        if (len > DNSSD_SUBTYPE_MAX) {
                *reason = "a subtype is one DNS label of at most 63 bytes (RFC 6763 section 7.1)";
                return -EINVAL;
        }
        char label[DNSSD_SUBTYPE_MAX + 1];
        memcpy(label, text, len);
        label[len] = '\0';
        r = dnssd_check_subtype_label(label, reason);
        if (r < 0)
                return r;
        memcpy(label_out, label, len + 1);
        return 0;
}

int dnssd_check_instance_name(const void *name, size_t len, const char **reason) {
        /* RFC 6763 §4.1.1 */
        if (len == 0) {
                *reason = "the instance name may not be empty";
                return -EINVAL;
        }
        if (len > DNSSD_INSTANCE_NAME_MAX) {
                *reason = "the instance name is longer than 63 bytes (RFC 6763 section 4.1.1)";
                return -EMSGSIZE;
        }
        return dnssd_check_label_text(name, len, reason);
}

size_t dnssd_txt_key_length(const void *s, size_t len) {
        const char *eq = memchr(s, '=', len);
        return eq ? (size_t) (eq - (const char *) s) : len;
}

int dnssd_check_txt_key(const void *key, size_t len, const char **reason) {
        const uint8_t *k = key;

        /* RFC 6763 §6.4: "The key MUST be at least one character" */
        if (len == 0) {
                *reason = "the TXT key is empty (RFC 6763 section 6.4)";
                return -EINVAL;
        }
        /* RFC 6763 §6.4: printable US-ASCII values (0x20-0x7E), excluding '=' (0x3D) */
        for (size_t i = 0; i < len; i++)
                if (k[i] < 0x20 || k[i] > 0x7E || k[i] == '=') {
                        *reason = "the TXT key may contain only printable ASCII characters other than '=' (RFC 6763 section 6.4)";
                        return -EINVAL;
                }
        return 0;
}

int dnssd_check_txt_string(const void *s, size_t len, const char **reason) {
        /* RFC 1035 §3.3 / RFC 6763 §6.1: each string is at most 255 bytes */
        if (len > DNSSD_TXT_STRING_MAX) {
                *reason = "a TXT string is longer than 255 bytes (RFC 6763 section 6.1)";
                return -EMSGSIZE;
        }
        return dnssd_check_txt_key(s, dnssd_txt_key_length(s, len), reason);
}

bool dnssd_txt_same_key(const void *a, size_t alen, const void *b, size_t blen) {
        size_t ka = dnssd_txt_key_length(a, alen), kb = dnssd_txt_key_length(b, blen);

        /* RFC 6763 §6.4: keys are case-insensitive */
        return ka == kb && ascii_equal_n(a, b, ka);
}

int dnssd_check_ifname(const char *name, const char **reason) {
        size_t len = strlen(name);

        if (len == 0 || len > DNSSD_IFNAME_MAX) {
                *reason = "an interface name is 1 to 15 characters";
                return -EINVAL;
        }
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
                *reason = "'.' and '..' are not interface names";
                return -EINVAL;
        }
        for (size_t i = 0; i < len; i++) {
                uint8_t c = (uint8_t) name[i];
                if (c <= 0x20 || c == 0x7F || c == '/' || c == ':') {
                        *reason = "an interface name may not contain '/', ':', spaces or control characters";
                        return -EINVAL;
                }
        }
        return 0;
}

static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

int dnssd_decode_hex(const char *text, size_t len, uint8_t *out, size_t size) {
        if (len % 2 != 0)
                return -EINVAL;
        if (len / 2 > size)
                return -ENOBUFS;
        for (size_t i = 0; i < len; i += 2) {
                int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                out[i / 2] = (uint8_t) (hi << 4 | lo);
        }
        return (int) (len / 2);
}

static int base64_value(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -1;
}

int dnssd_decode_base64(const char *text, size_t len, uint8_t *out, size_t size) {
        size_t pad = 0, n = 0;

        /* RFC 4648 §4: the padded encoding, nothing but the alphabet */
        if (len % 4 != 0)
                return -EINVAL;
        if (len > 0 && text[len - 1] == '=')
                pad++;
        if (len > 1 && text[len - 2] == '=')
                pad++;
        if ((len / 4) * 3 - pad > size)
                return -ENOBUFS;
        for (size_t i = 0; i < len; i += 4) {
                bool last = i + 4 == len;
                size_t q = last ? 4 - pad : 4; /* significant characters in this quantum */
                uint32_t v = 0;

                for (size_t j = 0; j < 4; j++) {
                        int d = 0;
                        if (j < q) {
                                d = base64_value(text[i + j]);
                                if (d < 0)
                                        return -EINVAL; /* includes a '=' before the end */
                        }
                        v = v << 6 | (uint32_t) d;
                }
                /* RFC 4648 §3.5: the pad bits must be zero (canonical encoding) */
                if ((q == 2 && (v & 0xFFFF) != 0) || (q == 3 && (v & 0xFF) != 0))
                        return -EINVAL;
                out[n++] = (uint8_t) (v >> 16);
                if (q >= 3)
                        out[n++] = (uint8_t) (v >> 8);
                if (q == 4)
                        out[n++] = (uint8_t) v;
        }
        return (int) n;
}
