/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resource records with canonical (uncompressed) rdata: layouts of the known types, typed
 * accessors and builders, equality, the RFC 6762 §8.2 order, text form. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns-internal.h"
#include "dns/dns-rr.h"
#include "util.h"

static const struct {
        uint16_t type;
        const char *name;
        /* See dns-internal.h. The types whose rdata holds names are those of RFC 3597 §4 that a
         * receiver decompresses; RFC 6762 §18.14 lets mDNS compress the same set. When building
         * we compress only the RFC 1035 types (§3.3: "may be compressed") and SRV (RFC 6762
         * §18.14); the others (RP, AFSDB, RT, PX, KX, NAPTR, DNAME, NSEC) go out uncompressed,
         * as RFC 3597 §4 asks. A and AAAA are fixed-size integers. */
        const char *schema;
} type_table[] = {
        { DNS_TYPE_A, "A", "4" },
        { DNS_TYPE_NS, "NS", "c" },
        { 3, "MD", "c" },
        { 4, "MF", "c" },
        { DNS_TYPE_CNAME, "CNAME", "c" },
        { DNS_TYPE_SOA, "SOA", "cc44444" },
        { 7, "MB", "c" },
        { 8, "MG", "c" },
        { 9, "MR", "c" },
        { 10, "NULL", NULL },
        { 11, "WKS", NULL },
        { DNS_TYPE_PTR, "PTR", "c" },
        { DNS_TYPE_HINFO, "HINFO", "ss" }, /* RFC 1035 §3.3.2: exactly two strings */
        { 14, "MINFO", "cc" },
        { DNS_TYPE_MX, "MX", "2c" },
        { DNS_TYPE_TXT, "TXT", "S" },
        { 17, "RP", "nn" },
        { 18, "AFSDB", "2n" },
        { 21, "RT", "2n" },
        { 24, "SIG", NULL },
        { 25, "KEY", NULL },
        { 26, "PX", "2nn" },
        { DNS_TYPE_AAAA, "AAAA", "4444" },
        { 29, "LOC", NULL },
        { DNS_TYPE_SRV, "SRV", "222c" }, /* RFC 2782 */
        { 35, "NAPTR", "22sssn" },       /* RFC 3403 §4.1 */
        { 36, "KX", "2n" },
        { 37, "CERT", NULL },
        { 39, "DNAME", "n" }, /* RFC 6672 §2.5: never compressed when sent */
        { DNS_TYPE_OPT, "OPT", NULL },
        { 43, "DS", NULL },
        { 44, "SSHFP", NULL },
        { 46, "RRSIG", NULL },
        { DNS_TYPE_NSEC, "NSEC", "nb" }, /* RFC 4034 §4.1 */
        { 48, "DNSKEY", NULL },
        { 50, "NSEC3", NULL },
        { 51, "NSEC3PARAM", NULL },
        { 52, "TLSA", NULL },
        { 64, "SVCB", NULL },
        { 65, "HTTPS", NULL },
        { 251, "IXFR", NULL },
        { 252, "AXFR", NULL },
        { DNS_TYPE_ANY, "ANY", NULL },
        { 257, "CAA", NULL },
};

static int type_index(uint16_t type) {
        for (size_t i = 0; i < ELEMENTSOF(type_table); i++)
                if (type_table[i].type == type)
                        return (int) i;
        return -1;
}

const char *dns_rdata_schema(uint16_t type) {
        int i = type_index(type);
        return i < 0 ? NULL : type_table[i].schema;
}

const char *dns_type_to_string(uint16_t type) {
        int i = type_index(type);
        return i < 0 ? NULL : type_table[i].name;
}

int dns_type_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(type_table); i++)
                if (strcasecmp(s, type_table[i].name) == 0)
                        return type_table[i].type;

        /* RFC 3597 §5: TYPEnnn */
        if (strncasecmp(s, "TYPE", 4) == 0 && s[4] != 0) {
                unsigned long v = 0;
                for (const char *p = s + 4; *p; p++) {
                        if (*p < '0' || *p > '9')
                                return -EINVAL;
                        v = v * 10 + (unsigned long) (*p - '0');
                        if (v > UINT16_MAX)
                                return -EINVAL;
                }
                return (int) v;
        }
        return -EINVAL;
}

int dns_nsec_bitmap_validate(const uint8_t *p, size_t len) {
        size_t i = 0;
        int prev = -1;

        /* RFC 4034 §4.1.2: ( Window Block # | Bitmap Length | Bitmap )+, windows in increasing
         * order, each bitmap 1..32 octets. Trailing zero octets ("MUST be omitted") are
         * tolerated on receipt; they change no meaning. */
        while (i < len) {
                if (len - i < 2)
                        return -EBADMSG;
                uint8_t window = p[i], blen = p[i + 1];
                if ((int) window <= prev)
                        return -EBADMSG;
                if (blen < 1 || blen > 32)
                        return -EBADMSG;
                if (len - i - 2 < blen)
                        return -EBADMSG;
                prev = window;
                i += 2 + (size_t) blen;
        }
        return 0;
}

int dns_txt_validate(const uint8_t *rdata, size_t len) {
        size_t i = 0;
        int n = 0;

        /* RFC 1035 §3.3.14: one or more <character-string>s; RFC 6763 §6.1: never empty */
        if (len == 0)
                return -EBADMSG;
        while (i < len) {
                size_t l = rdata[i];
                if (len - i - 1 < l)
                        return -EBADMSG;
                i += 1 + l;
                n++;
        }
        return n;
}

/* Walk a schema over canonical rdata. If ranges is non-NULL, record for each name field its
 * [start, end) so that equality can compare names case-insensitively. Returns the number of
 * name fields, or -EBADMSG. */
#define RDATA_NAMES_MAX 4
static int rdata_walk(const char *schema, const uint8_t *p, size_t len, size_t ranges[][2]) {
        static const uint8_t empty[1];
        size_t i = 0;
        int n_names = 0;

        if (!p) /* a record with rdlength 0 may carry a NULL rdata */
                p = empty, len = 0;

        for (const char *f = schema; *f; f++) {
                switch (*f) {
                case 'c':
                case 'n': {
                        struct dns_name name;
                        int r = dns_name_from_wire(&name, p + i, len - i);
                        if (r < 0)
                                return -EBADMSG;
                        if (ranges && n_names < RDATA_NAMES_MAX) {
                                ranges[n_names][0] = i;
                                ranges[n_names][1] = i + (size_t) r;
                        }
                        n_names++;
                        i += (size_t) r;
                        break;
                }
                case '2':
                        if (len - i < 2)
                                return -EBADMSG;
                        i += 2;
                        break;
                case '4':
                        if (len - i < 4)
                                return -EBADMSG;
                        i += 4;
                        break;
                case 's':
                        if (len - i < 1 || len - i - 1 < p[i])
                                return -EBADMSG;
                        i += 1 + (size_t) p[i];
                        break;
                case 'S':
                        if (dns_txt_validate(p + i, len - i) < 0)
                                return -EBADMSG;
                        i = len;
                        break;
                case 'b':
                        if (dns_nsec_bitmap_validate(p + i, len - i) < 0)
                                return -EBADMSG;
                        i = len;
                        break;
                default:
                        return -EBADMSG;
                }
        }
        return i == len ? n_names : -EBADMSG;
}

int dns_rdata_validate(uint16_t type, const uint8_t *rdata, size_t len) {
        const char *schema = dns_rdata_schema(type);
        int r;

        if (!schema)
                return 0; /* RFC 3597: opaque */
        r = rdata_walk(schema, rdata, len, NULL);
        return r < 0 ? r : 0;
}

static const uint8_t root_wire[1] = { 0 };

static const uint8_t *name_wire(const struct dns_name *n, size_t *len) {
        if (n->len == 0) {
                *len = 1;
                return root_wire;
        }
        *len = n->len;
        return n->data;
}

int dns_rdata_get_a(const struct dns_rr *rr, struct in_addr *a) {
        if (rr->type != DNS_TYPE_A)
                return -EINVAL;
        /* RFC 1035 §3.4.1 */
        if (rr->rdlength != 4)
                return -EBADMSG;
        memcpy(a, rr->rdata, 4);
        return 0;
}

int dns_rdata_get_aaaa(const struct dns_rr *rr, struct in6_addr *a) {
        if (rr->type != DNS_TYPE_AAAA)
                return -EINVAL;
        /* RFC 3596 §2.2 */
        if (rr->rdlength != 16)
                return -EBADMSG;
        memcpy(a, rr->rdata, 16);
        return 0;
}

int dns_rdata_get_name(const struct dns_rr *rr, struct dns_name *n) {
        const char *schema = dns_rdata_schema(rr->type);
        struct dns_name t;
        int r;

        if (!schema || (strcmp(schema, "c") != 0 && strcmp(schema, "n") != 0))
                return -EINVAL;
        r = dns_name_from_wire(&t, rr->rdata, rr->rdlength);
        if (r < 0)
                return r;
        /* the name must end exactly at rdlength */
        if ((size_t) r != rr->rdlength)
                return -EBADMSG;
        *n = t;
        return 0;
}

int dns_rdata_get_srv(const struct dns_rr *rr, struct dns_srv *srv) {
        struct dns_name t;
        int r;

        if (rr->type != DNS_TYPE_SRV)
                return -EINVAL;
        /* RFC 2782: priority, weight, port, target */
        if (rr->rdlength < 7)
                return -EBADMSG;
        r = dns_name_from_wire(&t, rr->rdata + 6, rr->rdlength - 6u);
        if (r < 0)
                return r;
        if ((size_t) r != rr->rdlength - 6u)
                return -EBADMSG;
        srv->priority = dns_read_u16(rr->rdata);
        srv->weight = dns_read_u16(rr->rdata + 2);
        srv->port = dns_read_u16(rr->rdata + 4);
        srv->target = t;
        return 0;
}

int dns_rdata_get_nsec(const struct dns_rr *rr, struct dns_name *next) {
        struct dns_name t;
        int r;

        if (rr->type != DNS_TYPE_NSEC)
                return -EINVAL;
        r = dns_name_from_wire(&t, rr->rdata, rr->rdlength);
        if (r < 0)
                return r;
        if (dns_nsec_bitmap_validate(rr->rdata + r, rr->rdlength - (size_t) r) < 0)
                return -EBADMSG;
        *next = t;
        return 0;
}

int dns_rdata_nsec_has_type(const struct dns_rr *rr, uint16_t type) {
        struct dns_name next;
        size_t i;
        int r;

        r = dns_rdata_get_nsec(rr, &next);
        if (r < 0)
                return r;
        i = next.len;
        /* RFC 4034 §4.1.2: window = type / 256, bit (type % 256) counted from the top bit */
        while (i < rr->rdlength) {
                uint8_t window = rr->rdata[i], blen = rr->rdata[i + 1];
                if (window == type >> 8) {
                        unsigned octet = (type & 0xff) >> 3;
                        if (octet >= blen)
                                return 0;
                        return !!(rr->rdata[i + 2 + octet] & (0x80 >> (type & 7)));
                }
                i += 2 + (size_t) blen;
        }
        return 0;
}

int dns_rdata_build_name(uint8_t *buf, size_t size, const struct dns_name *n) {
        const uint8_t *w;
        size_t len;

        if (!dns_name_is_valid(n))
                return -EINVAL;
        w = name_wire(n, &len);
        if (len > size)
                return -ENOBUFS;
        memcpy(buf, w, len);
        return (int) len;
}

int dns_rdata_build_srv(uint8_t *buf, size_t size, const struct dns_srv *srv) {
        int r;

        if (size < 6)
                return -ENOBUFS;
        r = dns_rdata_build_name(buf + 6, size - 6, &srv->target);
        if (r < 0)
                return r;
        dns_write_u16(buf, srv->priority);
        dns_write_u16(buf + 2, srv->weight);
        dns_write_u16(buf + 4, srv->port);
        return 6 + r;
}

int dns_txt_append(uint8_t *buf, size_t size, size_t used, const void *s, size_t len) {
        /* RFC 1035 §3.3: <character-string> */
        if (len > DNS_CHARSTRING_MAX)
                return -EINVAL;
        if (used > size || size - used < 1 + len || used + 1 + len > INT_MAX)
                return -ENOBUFS;
        buf[used] = (uint8_t) len;
        if (len > 0)
                memcpy(buf + used + 1, s, len);
        return (int) (used + 1 + len);
}

int dns_rdata_build_hinfo(uint8_t *buf, size_t size, const char *cpu, const char *os) {
        int r;

        /* RFC 1035 §3.3.2: CPU and OS as <character-string>s */
        r = dns_txt_append(buf, size, 0, cpu, strlen(cpu));
        if (r < 0)
                return r;
        return dns_txt_append(buf, size, (size_t) r, os, strlen(os));
}

int dns_rdata_build_txt(uint8_t *buf, size_t size, const char *const *strings, size_t n_strings) {
        int r = 0;

        /* RFC 6763 §6.1: an empty TXT record is a single zero octet */
        if (n_strings == 0)
                return dns_txt_append(buf, size, 0, "", 0);
        for (size_t i = 0; i < n_strings; i++) {
                r = dns_txt_append(buf, size, (size_t) r, strings[i], strlen(strings[i]));
                if (r < 0)
                        return r;
        }
        return r;
}

void dns_txt_iter_init(struct dns_txt_iter *it, const uint8_t *rdata, size_t len) {
        it->p = rdata;
        it->end = rdata + len;
}

int dns_txt_iter_next(struct dns_txt_iter *it, const uint8_t **s, size_t *len) {
        size_t l;

        if (it->p >= it->end)
                return 0;
        l = it->p[0];
        if ((size_t) (it->end - it->p) - 1 < l)
                return -EBADMSG;
        *s = it->p + 1;
        *len = l;
        it->p += 1 + l;
        return 1;
}

int dns_rdata_build_nsec(uint8_t *buf, size_t size, const struct dns_name *next, const uint16_t *types,
                         size_t n_types) {
        int r, prev = -1;
        size_t pos;

        /* RFC 4034 §4.1.1: the next name, never compressed (RFC 6762 §18.14 permits it, but
         * receivers that follow RFC 4034 would not expect it) */
        r = dns_rdata_build_name(buf, size, next);
        if (r < 0)
                return r;
        pos = (size_t) r;

        /* RFC 4034 §4.1.2: one block per window in use, in increasing order, no trailing zero
         * octets */
        for (;;) {
                uint8_t bitmap[32] = { 0 };
                unsigned window = 256, blen = 0;

                for (size_t i = 0; i < n_types; i++) {
                        unsigned w = types[i] >> 8;
                        if ((int) w > prev && w < window)
                                window = w;
                }
                if (window == 256)
                        break;

                for (size_t i = 0; i < n_types; i++) {
                        if ((unsigned) (types[i] >> 8) != window)
                                continue;
                        unsigned bit = types[i] & 0xff;
                        bitmap[bit >> 3] |= (uint8_t) (0x80 >> (bit & 7));
                        if ((bit >> 3) + 1 > blen)
                                blen = (bit >> 3) + 1;
                }

                if (size - pos < 2 + blen)
                        return -ENOBUFS;
                buf[pos++] = (uint8_t) window;
                buf[pos++] = (uint8_t) blen;
                memcpy(buf + pos, bitmap, blen);
                pos += blen;
                prev = (int) window;
        }
        return (int) pos;
}

struct dns_rr *dns_rr_new(const struct dns_name *name, uint16_t type, uint16_t rclass, bool cache_flush,
                          uint32_t ttl, const void *rdata, uint16_t rdlength) {
        struct dns_rr *rr;

        rr = malloc(sizeof(*rr) + rdlength);
        if (!rr)
                return NULL;
        *rr = (struct dns_rr) {
                .name = *name,
                .type = type,
                .rclass = rclass & (uint16_t) ~MDNS_CLASS_TOP_BIT,
                .cache_flush = cache_flush,
                .ttl = ttl,
                .rdlength = rdlength,
                .rdata = (uint8_t *) (rr + 1),
        };
        if (rr->name.len == 0)
                dns_name_set_root(&rr->name);
        if (rdlength > 0)
                memcpy(rr->rdata, rdata, rdlength);
        return rr;
}

struct dns_rr *dns_rr_dup(const struct dns_rr *rr) {
        return dns_rr_new(&rr->name, rr->type, rr->rclass, rr->cache_flush, rr->ttl, rr->rdata, rr->rdlength);
}

void dns_rr_free(struct dns_rr *rr) {
        free(rr);
}

static inline uint8_t ascii_tolower(uint8_t c) {
        return (c >= 'A' && c <= 'Z') ? (uint8_t) (c - 'A' + 'a') : c;
}

bool dns_rdata_equal(const struct dns_rr *a, const struct dns_rr *b) {
        size_t ranges[RDATA_NAMES_MAX][2];
        const char *schema;
        int n;

        if (a->type != b->type || a->rdlength != b->rdlength)
                return false;
        if (a->rdlength == 0)
                return true;

        schema = dns_rdata_schema(a->type);
        n = schema ? rdata_walk(schema, a->rdata, a->rdlength, ranges) : 0;
        if (n <= 0)
                return memcmp(a->rdata, b->rdata, a->rdlength) == 0;

        /* Names inside rdata compare case-insensitively (RFC 6762 §16), everything else exactly.
         * Length octets are <= 63, outside 'A'..'Z', so the label structure must match too. */
        size_t pos = 0;
        for (int k = 0; k < MIN(n, RDATA_NAMES_MAX); k++) {
                if (memcmp(a->rdata + pos, b->rdata + pos, ranges[k][0] - pos) != 0)
                        return false;
                for (size_t i = ranges[k][0]; i < ranges[k][1]; i++)
                        if (ascii_tolower(a->rdata[i]) != ascii_tolower(b->rdata[i]))
                                return false;
                pos = ranges[k][1];
        }
        return memcmp(a->rdata + pos, b->rdata + pos, a->rdlength - pos) == 0;
}

bool dns_rr_equal(const struct dns_rr *a, const struct dns_rr *b) {
        /* rdata first: records of one owner name (a service type's PTRs) differ there, early */
        return a->type == b->type && (a->rclass & 0x7fff) == (b->rclass & 0x7fff) && a->rdlength == b->rdlength &&
                dns_rdata_equal(a, b) && dns_name_equal(&a->name, &b->name);
}

int dns_rr_compare_canonical(const struct dns_rr *a, const struct dns_rr *b) {
        uint16_t ca = a->rclass & 0x7fff, cb = b->rclass & 0x7fff;
        size_t m;
        int r;

        /* RFC 6762 §8.2: class without the cache-flush bit, then type, then the raw uncompressed
         * rdata as unsigned octets; the record with data remaining is later */
        if (ca != cb)
                return ca < cb ? -1 : 1;
        if (a->type != b->type)
                return a->type < b->type ? -1 : 1;
        m = MIN(a->rdlength, b->rdlength);
        r = m > 0 ? memcmp(a->rdata, b->rdata, m) : 0;
        if (r != 0)
                return r < 0 ? -1 : 1;
        return a->rdlength < b->rdlength ? -1 : a->rdlength > b->rdlength ? 1 : 0;
}

/* Walks a set in canonical order without sorting it (the arrays are const and unbounded): each
 * step finds the least record strictly after the current one, and repeats equal records. */
struct rrset_iter {
        const struct dns_rr *const *v;
        size_t n, emitted, repeats;
        const struct dns_rr *cur;
};

static const struct dns_rr *rrset_iter_next(struct rrset_iter *it) {
        const struct dns_rr *best = NULL;
        size_t count = 0;

        if (it->emitted >= it->n)
                return NULL;
        it->emitted++;
        if (it->repeats > 0) {
                it->repeats--;
                return it->cur;
        }
        for (size_t i = 0; i < it->n; i++) {
                const struct dns_rr *x = it->v[i];
                int c;

                if (it->cur && dns_rr_compare_canonical(x, it->cur) <= 0)
                        continue;
                c = best ? dns_rr_compare_canonical(x, best) : -1;
                if (c < 0) {
                        best = x;
                        count = 1;
                } else if (c == 0)
                        count++;
        }
        it->cur = best;
        it->repeats = count > 0 ? count - 1 : 0;
        return best;
}

int dns_rrset_compare_canonical(const struct dns_rr *const *a, size_t na, const struct dns_rr *const *b,
                                size_t nb) {
        struct rrset_iter ia = { .v = a, .n = na }, ib = { .v = b, .n = nb };

        /* RFC 6762 §8.2: sort both sets, compare in turn; if one list runs out of records first,
         * the list with records remaining wins */
        for (;;) {
                const struct dns_rr *x = rrset_iter_next(&ia), *y = rrset_iter_next(&ib);
                int r;

                if (!x && !y)
                        return 0;
                if (!x)
                        return -1;
                if (!y)
                        return 1;
                r = dns_rr_compare_canonical(x, y);
                if (r != 0)
                        return r;
        }
}

/* Text output into a fixed buffer; overflow is remembered and the text truncated. */
struct sbuf {
        char *buf;
        size_t size, len;
        bool overflow;
};

static void sb_putc(struct sbuf *sb, char c) {
        if (sb->len + 1 < sb->size)
                sb->buf[sb->len++] = c;
        else
                sb->overflow = true;
}

static void sb_puts(struct sbuf *sb, const char *s) {
        while (*s)
                sb_putc(sb, *s++);
}

_printf_(2, 3) static void sb_printf(struct sbuf *sb, const char *fmt, ...) {
        char tmp[64];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(tmp, sizeof(tmp), fmt, ap);
        va_end(ap);
        sb_puts(sb, tmp);
}

static void sb_name(struct sbuf *sb, const struct dns_name *n) {
        char text[DNS_NAME_TEXT_MAX];

        if (dns_name_to_text(n, text, sizeof(text)) < 0) {
                sb_puts(sb, "?");
                return;
        }
        sb_puts(sb, text);
        if (!dns_name_is_root(n))
                sb_putc(sb, '.');
}

static void sb_charstring(struct sbuf *sb, const uint8_t *s, size_t len) {
        sb_putc(sb, '"');
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '"' || s[i] == '\\') {
                        sb_putc(sb, '\\');
                        sb_putc(sb, (char) s[i]);
                } else if (s[i] < 0x20 || s[i] >= 0x7f)
                        sb_printf(sb, "\\%03u", s[i]);
                else
                        sb_putc(sb, (char) s[i]);
        }
        sb_putc(sb, '"');
}

static void sb_type(struct sbuf *sb, uint16_t type) {
        const char *s = dns_type_to_string(type);
        if (s)
                sb_puts(sb, s);
        else
                sb_printf(sb, "TYPE%u", type);
}

static void sb_rdata_unknown(struct sbuf *sb, const uint8_t *p, size_t len) {
        /* RFC 3597 §5 */
        sb_printf(sb, "\\# %zu", len);
        if (len > 0)
                sb_putc(sb, ' ');
        for (size_t i = 0; i < len; i++)
                sb_printf(sb, "%02x", p[i]);
}

static void sb_rdata(struct sbuf *sb, const struct dns_rr *rr) {
        const char *schema = dns_rdata_schema(rr->type);
        const uint8_t *p = rr->rdata;
        size_t i = 0, len = rr->rdlength;

        if (!schema || rdata_walk(schema, p, len, NULL) < 0) {
                sb_rdata_unknown(sb, p, len);
                return;
        }

        if (rr->type == DNS_TYPE_A || rr->type == DNS_TYPE_AAAA) {
                char a[INET6_ADDRSTRLEN];
                if (!inet_ntop(rr->type == DNS_TYPE_A ? AF_INET : AF_INET6, p, a, sizeof(a)))
                        sb_rdata_unknown(sb, p, len);
                else
                        sb_puts(sb, a);
                return;
        }

        /* Valid by the walk above: every field is inside the rdata. */
        for (const char *f = schema; *f; f++) {
                if (f != schema && i < len)
                        sb_putc(sb, ' ');
                switch (*f) {
                case 'c':
                case 'n': {
                        struct dns_name n;
                        int r = dns_name_from_wire(&n, p + i, len - i);
                        if (r < 0)
                                return;
                        sb_name(sb, &n);
                        i += (size_t) r;
                        break;
                }
                case '2':
                        sb_printf(sb, "%u", dns_read_u16(p + i));
                        i += 2;
                        break;
                case '4':
                        sb_printf(sb, "%" PRIu32, dns_read_u32(p + i));
                        i += 4;
                        break;
                case 's':
                        sb_charstring(sb, p + i + 1, p[i]);
                        i += 1 + (size_t) p[i];
                        break;
                case 'S':
                        while (i < len) {
                                sb_charstring(sb, p + i + 1, p[i]);
                                i += 1 + (size_t) p[i];
                                if (i < len)
                                        sb_putc(sb, ' ');
                        }
                        break;
                case 'b': {
                        bool first = true;
                        while (i + 2 <= len) {
                                unsigned window = p[i], blen = p[i + 1];
                                for (unsigned o = 0; o < blen; o++)
                                        for (unsigned bit = 0; bit < 8; bit++)
                                                if (p[i + 2 + o] & (0x80 >> bit)) {
                                                        if (!first)
                                                                sb_putc(sb, ' ');
                                                        first = false;
                                                        sb_type(sb, (uint16_t) (window * 256 + o * 8 + bit));
                                                }
                                i += 2 + blen;
                        }
                        break;
                }
                }
        }
}

int dns_rr_to_text(const struct dns_rr *rr, char *buf, size_t size) {
        struct sbuf sb = { .buf = buf, .size = size };

        if (size == 0)
                return -ENOBUFS;

        sb_name(&sb, &rr->name);
        sb_printf(&sb, " %" PRIu32 " ", rr->ttl);
        if ((rr->rclass & 0x7fff) == DNS_CLASS_IN)
                sb_puts(&sb, "IN");
        else
                sb_printf(&sb, "CLASS%u", rr->rclass & 0x7fff);
        sb_putc(&sb, ' ');
        sb_type(&sb, rr->type);
        sb_putc(&sb, ' ');
        sb_rdata(&sb, rr);

        buf[sb.len] = 0;
        return sb.overflow ? -ENOBUFS : (int) sb.len;
}
