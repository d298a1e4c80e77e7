/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain names: presentation ↔ wire form, comparison and hashing (RFC 1035 §2.3.4, §3.1, §5.1;
 * RFC 4034 §6.1; RFC 6762 §16). */
#include <errno.h>
#include <string.h>

#include "dns/dns-name.h"

static inline uint8_t ascii_tolower(uint8_t c) {
        return (c >= 'A' && c <= 'Z') ? (uint8_t) (c - 'A' + 'a') : c;
}

/* The wire length of a name; a zeroed struct is the root. Our names are built by this module,
 * but the struct is public, so readers stop at the first zero label or at len, whichever comes
 * first, and never read past data[]. */
static size_t name_len(const struct dns_name *n) {
        return n->len == 0 ? 1 : n->len;
}

static uint8_t name_octet(const struct dns_name *n, size_t i) {
        return (n->len == 0 || i >= n->len) ? 0 : n->data[i];
}

/* Offsets of the label length octets, root excluded. Returns the count. */
static unsigned name_label_offsets(const struct dns_name *n, uint8_t offsets[static DNS_NAME_LABELS_MAX + 1]) {
        size_t i = 0, len = name_len(n);
        unsigned k = 0;

        while (i < len && k <= DNS_NAME_LABELS_MAX) {
                uint8_t l = name_octet(n, i);
                if (l == 0 || l > DNS_LABEL_MAX || i + 1 + l >= len)
                        break;
                offsets[k++] = (uint8_t) i;
                i += 1 + l;
        }
        return k;
}

void dns_name_set_root(struct dns_name *n) {
        n->len = 1;
        n->data[0] = 0;
}

bool dns_name_is_root(const struct dns_name *n) {
        return name_octet(n, 0) == 0;
}

bool dns_name_is_valid(const struct dns_name *n) {
        size_t i = 0;

        if (n->len == 0)
                return true;
        for (;;) {
                if (i >= n->len)
                        return false;
                uint8_t l = n->data[i];
                if (l == 0)
                        return i + 1 == n->len;
                /* RFC 1035 §2.3.4: labels are 63 octets or less */
                if (l > DNS_LABEL_MAX)
                        return false;
                i += 1 + l;
        }
}

int dns_name_from_wire(struct dns_name *n, const void *buf, size_t size) {
        const uint8_t *p = buf;
        size_t i = 0;

        for (;;) {
                if (i >= size)
                        return -EBADMSG;
                uint8_t l = p[i];
                if (l == 0)
                        break;
                /* RFC 1035 §4.1.4: 0xC0 is a pointer, 0x40/0x80 are reserved (RFC 6891 §5);
                 * none of them may appear in an uncompressed name */
                if (l > DNS_LABEL_MAX)
                        return -EBADMSG;
                i += 1 + l;
                /* RFC 1035 §2.3.4: 255 octets or less, including the root label */
                if (i + 1 > DNS_NAME_MAX)
                        return -EBADMSG;
        }
        i++;
        memcpy(n->data, p, i);
        n->len = (uint8_t) i;
        return (int) i;
}

int dns_name_from_text(struct dns_name *n, const char *text) {
        struct dns_name r = { .len = 0 };
        const char *p = text;

        /* "" and "." are the root */
        if (p[0] == 0 || (p[0] == '.' && p[1] == 0)) {
                dns_name_set_root(n);
                return 0;
        }

        for (;;) {
                uint8_t label[DNS_LABEL_MAX];
                size_t l = 0;

                while (*p && *p != '.') {
                        unsigned c;

                        if (*p == '\\') {
                                p++;
                                if (*p >= '0' && *p <= '9') {
                                        /* RFC 1035 §5.1: \DDD, exactly three decimal digits */
                                        if (!(p[1] >= '0' && p[1] <= '9' && p[2] >= '0' && p[2] <= '9'))
                                                return -EINVAL;
                                        c = (unsigned) (p[0] - '0') * 100 + (unsigned) (p[1] - '0') * 10 +
                                                (unsigned) (p[2] - '0');
                                        if (c > 255)
                                                return -EINVAL;
                                        p += 3;
                                } else if (*p == 0)
                                        return -EINVAL;
                                else
                                        /* RFC 1035 §5.1: \X is the literal X */
                                        c = (unsigned char) *p++;
                        } else
                                c = (unsigned char) *p++;

                        /* RFC 1035 §2.3.4: labels are 63 octets or less */
                        if (l >= DNS_LABEL_MAX)
                                return -EMSGSIZE;
                        label[l++] = (uint8_t) c;
                }

                if (l == 0)
                        return -EINVAL; /* empty label: "a..b", ".a" */

                /* RFC 1035 §2.3.4: 255 octets or less, including the root label */
                if ((size_t) r.len + 1 + l + 1 > DNS_NAME_MAX)
                        return -EMSGSIZE;
                r.data[r.len] = (uint8_t) l;
                memcpy(r.data + r.len + 1, label, l);
                r.len = (uint8_t) (r.len + 1 + l);

                if (*p == 0)
                        break;
                p++; /* the dot */
                if (*p == 0)
                        break; /* trailing dot */
        }

        r.data[r.len++] = 0;
        *n = r;
        return 0;
}

static int text_put(char *buf, size_t size, size_t *pos, char c) {
        if (*pos + 1 >= size)
                return -ENOBUFS;
        buf[(*pos)++] = c;
        return 0;
}

static int label_to_text(const uint8_t *label, size_t len, char *buf, size_t size, size_t *pos) {
        for (size_t i = 0; i < len; i++) {
                uint8_t c = label[i];
                int r;

                if (c == '.' || c == '\\') {
                        r = text_put(buf, size, pos, '\\');
                        if (r < 0)
                                return r;
                        r = text_put(buf, size, pos, (char) c);
                } else if (c < 0x20 || c == 0x7f) {
                        /* RFC 1035 §5.1: \DDD for octets that have no printable form */
                        if (*pos + 4 >= size)
                                return -ENOBUFS;
                        buf[(*pos)++] = '\\';
                        buf[(*pos)++] = (char) ('0' + c / 100);
                        buf[(*pos)++] = (char) ('0' + (c / 10) % 10);
                        buf[(*pos)++] = (char) ('0' + c % 10);
                        r = 0;
                } else
                        r = text_put(buf, size, pos, (char) c);
                if (r < 0)
                        return r;
        }
        return 0;
}

int dns_name_to_text(const struct dns_name *n, char *buf, size_t size) {
        uint8_t offsets[DNS_NAME_LABELS_MAX + 1];
        unsigned k = name_label_offsets(n, offsets);
        size_t pos = 0;
        int r;

        if (size == 0)
                return -ENOBUFS;

        if (k == 0) {
                r = text_put(buf, size, &pos, '.');
                if (r < 0)
                        return r;
        }

        for (unsigned i = 0; i < k; i++) {
                if (i > 0) {
                        r = text_put(buf, size, &pos, '.');
                        if (r < 0)
                                return r;
                }
                r = label_to_text(n->data + offsets[i] + 1, n->data[offsets[i]], buf, size, &pos);
                if (r < 0)
                        return r;
        }

        buf[pos] = 0;
        return (int) pos;
}

int dns_name_append_label(struct dns_name *n, const void *label, size_t len) {
        size_t base = dns_name_is_root(n) ? 0 : name_len(n) - 1;

        if (len == 0)
                return -EINVAL;
        /* RFC 1035 §2.3.4 */
        if (len > DNS_LABEL_MAX)
                return -EMSGSIZE;
        if (base + 1 + len + 1 > DNS_NAME_MAX)
                return -EMSGSIZE;

        n->data[base] = (uint8_t) len;
        memcpy(n->data + base + 1, label, len);
        n->data[base + 1 + len] = 0;
        n->len = (uint8_t) (base + 1 + len + 1);
        return 0;
}

int dns_name_append_name(struct dns_name *n, const struct dns_name *suffix) {
        size_t base = dns_name_is_root(n) ? 0 : name_len(n) - 1;
        size_t slen = name_len(suffix);

        /* RFC 1035 §2.3.4 */
        if (base + slen > DNS_NAME_MAX)
                return -EMSGSIZE;
        if (suffix->len == 0)
                n->data[base] = 0;
        else
                memmove(n->data + base, suffix->data, slen);
        n->len = (uint8_t) (base + slen);
        return 0;
}

int dns_name_from_labels(struct dns_name *n, const char *const *labels, size_t n_labels) {
        struct dns_name r = DNS_NAME_ROOT;

        for (size_t i = 0; i < n_labels; i++) {
                int k = dns_name_append_label(&r, labels[i], strlen(labels[i]));
                if (k < 0)
                        return k;
        }
        *n = r;
        return 0;
}

bool dns_name_equal(const struct dns_name *a, const struct dns_name *b) {
        size_t la = name_len(a), lb = name_len(b);

        if (la != lb)
                return false;
        /* Fast path: names compared are mostly equal octet for octet (the same owner name of many
         * records); only a difference needs the case-insensitive walk. */
        if (a->len != 0 && b->len != 0 && memcmp(a->data, b->data, la) == 0)
                return true;
        /* The length octets are <= 63 and so never in 'A'..'Z': lower-casing them is harmless,
         * and equal lengths at equal offsets keep the label structure aligned. */
        for (size_t i = 0; i < la; i++)
                if (ascii_tolower(name_octet(a, i)) != ascii_tolower(name_octet(b, i)))
                        return false;
        return true;
}

static int label_compare(const uint8_t *a, size_t la, const uint8_t *b, size_t lb) {
        size_t m = la < lb ? la : lb;

        for (size_t i = 0; i < m; i++) {
                uint8_t x = ascii_tolower(a[i]), y = ascii_tolower(b[i]);
                if (x != y)
                        return x < y ? -1 : 1;
        }
        return la < lb ? -1 : la > lb ? 1 : 0;
}

int dns_name_compare(const struct dns_name *a, const struct dns_name *b) {
        uint8_t oa[DNS_NAME_LABELS_MAX + 1], ob[DNS_NAME_LABELS_MAX + 1];
        unsigned ka = name_label_offsets(a, oa), kb = name_label_offsets(b, ob);

        /* RFC 4034 §6.1: compare from the rightmost label, shorter name first on a tie */
        while (ka > 0 && kb > 0) {
                ka--, kb--;
                int r = label_compare(a->data + oa[ka] + 1, a->data[oa[ka]], b->data + ob[kb] + 1, b->data[ob[kb]]);
                if (r != 0)
                        return r;
        }
        return ka < kb ? -1 : ka > kb ? 1 : 0;
}

bool dns_name_endswith(const struct dns_name *n, const struct dns_name *suffix) {
        uint8_t on[DNS_NAME_LABELS_MAX + 1], os[DNS_NAME_LABELS_MAX + 1];
        unsigned kn = name_label_offsets(n, on), ks = name_label_offsets(suffix, os);

        if (ks > kn)
                return false;
        while (ks > 0) {
                kn--, ks--;
                if (label_compare(n->data + on[kn] + 1, n->data[on[kn]], suffix->data + os[ks] + 1,
                                  suffix->data[os[ks]]) != 0)
                        return false;
        }
        return true;
}

unsigned dns_name_label_count(const struct dns_name *n) {
        uint8_t offsets[DNS_NAME_LABELS_MAX + 1];
        return name_label_offsets(n, offsets);
}

int dns_name_first_label(const struct dns_name *n, char *buf, size_t size) {
        uint8_t offsets[DNS_NAME_LABELS_MAX + 1];
        size_t l;

        if (size == 0)
                return -ENOBUFS;
        if (name_label_offsets(n, offsets) == 0) {
                buf[0] = 0;
                return 0;
        }
        l = n->data[0];
        if (l + 1 > size)
                return -ENOBUFS;
        memcpy(buf, n->data + 1, l);
        buf[l] = 0;
        return (int) l;
}

int dns_name_suffix(const struct dns_name *n, unsigned skip, struct dns_name *ret) {
        uint8_t offsets[DNS_NAME_LABELS_MAX + 1];
        unsigned k = name_label_offsets(n, offsets);
        size_t start;

        if (skip > k)
                return -EINVAL;
        if (skip == k) {
                dns_name_set_root(ret);
                return 0;
        }
        start = offsets[skip];
        memmove(ret->data, n->data + start, n->len - start);
        ret->len = (uint8_t) (n->len - start);
        return 0;
}

uint32_t dns_name_hash(const struct dns_name *n) {
        size_t len = name_len(n);
        uint32_t h = 2166136261u; /* FNV-1a */

        for (size_t i = 0; i < len; i++) {
                h ^= ascii_tolower(name_octet(n, i));
                h *= 16777619u;
        }
        return h;
}
