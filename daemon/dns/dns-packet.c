/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages: parsing into an arena and building with name compression (RFC 1035 §4.1,
 * §4.1.4; RFC 6762 §18). Every octet read here comes from the network: all checks return
 * -EBADMSG, nothing asserts. */
#include <errno.h>
#include <string.h>

#include "dns/dns-internal.h"
#include "dns/dns-packet.h"
#include "util.h"

/* RFC 1035 §4.1.4: the two top bits of a length octet: 00 label, 11 pointer, 01/10 reserved
 * (RFC 6891 §5 deprecated the extended label types) */
#define LABEL_POINTER 0xc0
#define POINTER_OFFSET_MAX 0x3fff

/* Smallest wire sizes, used to reject counts before allocating for them (RFC 1035 §4.1.2,
 * §4.1.3): a question is a root name (1) + type + class; a record adds ttl + rdlength. */
#define QUESTION_WIRE_MIN 5
#define RR_WIRE_MIN 11

void dns_arena_init(struct dns_arena *a, void *buf, size_t size) {
        a->buf = buf;
        a->size = buf ? size : 0;
        a->used = 0;
}

void dns_arena_reset(struct dns_arena *a) {
        a->used = 0;
}

void *dns_arena_alloc(struct dns_arena *a, size_t size, size_t align) {
        size_t pad, off = a->used;

        if (align == 0 || (align & (align - 1)) != 0 || off > a->size)
                return NULL;
        pad = (align - (((uintptr_t) a->buf + off) & (align - 1))) & (align - 1);
        if (pad > a->size - off || size > a->size - off - pad)
                return NULL;
        a->used = off + pad + size;
        return a->buf + off + pad;
}

/* Read a possibly compressed name at *pos. The labels before the first pointer must end before
 * `limit` (the end of the rdata for names inside rdata); after a jump, the packet end bounds
 * them. On success *pos is just past the name as it sits at *pos. */
static int read_name(const uint8_t *pkt, size_t len, size_t *pos, size_t limit, struct dns_name *ret) {
        size_t p = *pos, run_start = *pos, next = 0, n = 0;
        bool jumped = false;

        for (;;) {
                size_t end = jumped ? len : limit;
                uint8_t c;

                if (p >= end)
                        return -EBADMSG;
                c = pkt[p];

                if ((c & LABEL_POINTER) == LABEL_POINTER) {
                        size_t target;

                        if (end - p < 2)
                                return -EBADMSG;
                        target = ((size_t) (c & 0x3f) << 8) | pkt[p + 1];
                        /* RFC 1035 §4.1.4: "a prior occurrence of the same name". Requiring the
                         * target to lie strictly before the start of the label run that the
                         * pointer ends makes every jump go backwards past where the last one
                         * landed: no loops, no forward or self pointers, no pointers into the
                         * header. */
                        if (target >= run_start || target < DNS_HEADER_SIZE)
                                return -EBADMSG;
                        if (!jumped) {
                                next = p + 2;
                                jumped = true;
                        }
                        p = run_start = target;
                        continue;
                }

                /* RFC 1035 §4.1.4, RFC 6891 §5: 0x40 and 0x80 label types are not supported */
                if (c & LABEL_POINTER)
                        return -EBADMSG;

                if (c == 0) {
                        ret->data[n++] = 0;
                        p++;
                        break;
                }

                if (c > end - p - 1)
                        return -EBADMSG;
                /* RFC 1035 §2.3.4: 255 octets or less, the root label included */
                if (n + 1 + c + 1 > DNS_NAME_MAX)
                        return -EBADMSG;
                memcpy(ret->data + n, pkt + p, 1 + (size_t) c);
                n += 1 + (size_t) c;
                p += 1 + (size_t) c;
        }

        ret->len = (uint8_t) n;
        *pos = jumped ? next : p;
        return 0;
}

static int parse_question(const uint8_t *pkt, size_t len, size_t *pos, struct dns_question *q) {
        uint16_t qclass;
        int r;

        r = read_name(pkt, len, pos, len, &q->name);
        if (r < 0)
                return r;
        /* RFC 1035 §4.1.2 */
        if (len - *pos < 4)
                return -EBADMSG;
        q->type = dns_read_u16(pkt + *pos);
        qclass = dns_read_u16(pkt + *pos + 2);
        /* RFC 6762 §5.4: the top bit of qclass asks for a unicast response */
        q->unicast_response = qclass & MDNS_CLASS_TOP_BIT;
        q->qclass = qclass & (uint16_t) ~MDNS_CLASS_TOP_BIT;
        *pos += 4;
        return 0;
}

static unsigned schema_names(const char *schema) {
        unsigned n = 0;
        for (; *schema; schema++)
                if (*schema == 'c' || *schema == 'n')
                        n++;
        return n;
}

/* Decode rdata at [start, end) into canonical form (names uncompressed) in the arena. */
static int parse_rdata(const uint8_t *pkt, size_t len, size_t start, size_t end, struct dns_rr *rr,
                       struct dns_arena *arena) {
        const char *schema = dns_rdata_schema(rr->type);
        size_t pos = start, out_len = 0, reserve;
        uint8_t *out;

        if (!schema || (rr->type == DNS_TYPE_TXT && start == end)) {
                size_t n = end - start;

                /* RFC 6763 §6.1: an empty TXT rdata is read as the single zero octet */
                bool empty_txt = schema != NULL;
                out = dns_arena_alloc(arena, empty_txt ? 1 : n, 1);
                if (!out)
                        return -ENOBUFS;
                if (empty_txt) {
                        out[0] = 0;
                        n = 1;
                } else if (n > 0)
                        /* RFC 3597 §5: unknown types are opaque */
                        memcpy(out, pkt + start, n);
                rr->rdata = out;
                rr->rdlength = (uint16_t) n;
                return 0;
        }

        /* Each compressed name may grow from a 2-octet pointer to 255 octets. */
        reserve = (end - start) + schema_names(schema) * (DNS_NAME_MAX - 2);
        if (arena->used > arena->size || arena->size - arena->used < reserve)
                return -ENOBUFS;
        out = arena->buf + arena->used;

        for (const char *f = schema; *f; f++) {
                size_t n;

                switch (*f) {
                case 'c':
                case 'n': {
                        /* RFC 3597 §4, RFC 6762 §18.14: names in these rdata may be compressed */
                        struct dns_name name;
                        int r = read_name(pkt, len, &pos, end, &name);
                        if (r < 0)
                                return r;
                        memcpy(out + out_len, name.data, name.len);
                        out_len += name.len;
                        continue;
                }
                case '2':
                        n = 2;
                        break;
                case '4':
                        n = 4;
                        break;
                case 's':
                        /* RFC 1035 §3.3: <character-string> inside the rdata */
                        if (pos >= end)
                                return -EBADMSG;
                        n = 1 + (size_t) pkt[pos];
                        break;
                case 'S':
                        /* RFC 1035 §3.3.14: one or more strings, none overrunning rdlength */
                        if (dns_txt_validate(pkt + pos, end - pos) < 0)
                                return -EBADMSG;
                        n = end - pos;
                        break;
                case 'b':
                        /* RFC 4034 §4.1.2 */
                        if (dns_nsec_bitmap_validate(pkt + pos, end - pos) < 0)
                                return -EBADMSG;
                        n = end - pos;
                        break;
                default:
                        return -EBADMSG;
                }
                if (n > end - pos)
                        return -EBADMSG;
                memcpy(out + out_len, pkt + pos, n);
                out_len += n;
                pos += n;
        }

        /* The fields must use the rdata exactly: A is 4 octets, AAAA 16, a PTR name ends at
         * rdlength, HINFO is exactly two strings, ... */
        if (pos != end)
                return -EBADMSG;
        if (out_len > UINT16_MAX)
                return -EBADMSG;

        arena->used += out_len;
        rr->rdata = out;
        rr->rdlength = (uint16_t) out_len;
        return 0;
}

static int parse_rr(const uint8_t *pkt, size_t len, size_t *pos, struct dns_rr *rr, struct dns_arena *arena) {
        uint16_t rclass, rdlength;
        size_t start;
        int r;

        r = read_name(pkt, len, pos, len, &rr->name);
        if (r < 0)
                return r;
        /* RFC 1035 §4.1.3 */
        if (len - *pos < 10)
                return -EBADMSG;
        rr->type = dns_read_u16(pkt + *pos);
        rclass = dns_read_u16(pkt + *pos + 2);
        rr->ttl = dns_read_u32(pkt + *pos + 4);
        rdlength = dns_read_u16(pkt + *pos + 8);
        *pos += 10;

        /* RFC 6762 §10.2: the top bit of rrclass is the cache-flush bit */
        rr->cache_flush = rclass & MDNS_CLASS_TOP_BIT;
        rr->rclass = rclass & (uint16_t) ~MDNS_CLASS_TOP_BIT;
        /* RFC 2181 §8: a TTL with the top bit set is treated as zero (OPT's "TTL" holds flags,
         * RFC 6891 §6.1.3) */
        if ((rr->ttl & 0x80000000u) && rr->type != DNS_TYPE_OPT)
                rr->ttl = 0;

        if (rdlength > len - *pos)
                return -EBADMSG;
        start = *pos;
        r = parse_rdata(pkt, len, start, start + rdlength, rr, arena);
        if (r < 0)
                return r;
        *pos = start + rdlength;
        return 0;
}

static void *alloc_array(struct dns_arena *arena, size_t n, size_t size, int *error) {
        void *p;

        if (n == 0)
                return NULL;
        p = dns_arena_alloc(arena, n * size, _Alignof(struct dns_rr));
        if (!p)
                *error = -ENOBUFS;
        return p;
}

int dns_msg_parse(struct dns_msg *m, const uint8_t *pkt, size_t len, struct dns_arena *arena) {
        size_t pos = DNS_HEADER_SIZE, saved = arena->used;
        struct dns_msg t = {};
        int r = 0;

        *m = (struct dns_msg) {};

        /* RFC 6762 §17: at most 9000 octets */
        if (len > DNS_PACKET_MAX)
                return -EMSGSIZE;
        /* RFC 1035 §4.1.1 */
        if (len < DNS_HEADER_SIZE)
                return -EBADMSG;

        t.id = dns_read_u16(pkt);
        t.flags = dns_read_u16(pkt + 2);
        t.qdcount = dns_read_u16(pkt + 4);
        t.ancount = dns_read_u16(pkt + 6);
        t.nscount = dns_read_u16(pkt + 8);
        t.arcount = dns_read_u16(pkt + 10);

        /* Counts that cannot possibly fit are rejected before anything is allocated for them. */
        if ((size_t) t.qdcount * QUESTION_WIRE_MIN +
                    ((size_t) t.ancount + t.nscount + t.arcount) * RR_WIRE_MIN > len - DNS_HEADER_SIZE)
                return -EBADMSG;

        t.qd = alloc_array(arena, t.qdcount, sizeof(struct dns_question), &r);
        t.an = alloc_array(arena, t.ancount, sizeof(struct dns_rr), &r);
        t.ns = alloc_array(arena, t.nscount, sizeof(struct dns_rr), &r);
        t.ar = alloc_array(arena, t.arcount, sizeof(struct dns_rr), &r);
        if (r < 0)
                goto fail;

        for (unsigned i = 0; i < t.qdcount; i++) {
                r = parse_question(pkt, len, &pos, &t.qd[i]);
                if (r < 0)
                        goto fail;
        }

        struct {
                struct dns_rr *v;
                uint16_t n;
        } sections[] = { { t.an, t.ancount }, { t.ns, t.nscount }, { t.ar, t.arcount } };
        for (size_t s = 0; s < ELEMENTSOF(sections); s++)
                for (unsigned i = 0; i < sections[s].n; i++) {
                        r = parse_rr(pkt, len, &pos, &sections[s].v[i], arena);
                        if (r < 0)
                                goto fail;
                }

        /* Octets after the last record are tolerated and ignored. */
        *m = t;
        return 0;

fail:
        arena->used = saved;
        return r;
}

struct dns_rr *dns_msg_section(const struct dns_msg *m, enum dns_section s, uint16_t *n) {
        switch (s) {
        case DNS_SECTION_ANSWER:
                *n = m->ancount;
                return m->an;
        case DNS_SECTION_AUTHORITY:
                *n = m->nscount;
                return m->ns;
        case DNS_SECTION_ADDITIONAL:
                *n = m->arcount;
                return m->ar;
        default:
                *n = 0;
                return NULL;
        }
}

void dns_builder_init(struct dns_builder *b, uint8_t *buf, size_t max_size, uint16_t id, uint16_t flags) {
        b->buf = buf;
        b->size = max_size;
        b->len = 0;
        b->id = id;
        b->flags = flags;
        memset(b->counts, 0, sizeof(b->counts));
        b->section = DNS_SECTION_QUESTION;
        b->n_entries = 0;
        memset(b->buckets, 0, sizeof(b->buckets));
        b->broken = !buf || max_size < DNS_HEADER_SIZE;
        if (b->broken)
                return;
        memset(buf, 0, DNS_HEADER_SIZE);
        b->len = DNS_HEADER_SIZE;
}

void dns_builder_set_flags(struct dns_builder *b, uint16_t flags) {
        b->flags = flags;
}

uint16_t dns_builder_count(const struct dns_builder *b, enum dns_section s) {
        return (unsigned) s < _DNS_SECTION_MAX ? b->counts[s] : 0;
}

size_t dns_builder_size(const struct dns_builder *b) {
        return b->len;
}

size_t dns_builder_finish(struct dns_builder *b) {
        if (b->broken)
                return 0;
        /* RFC 1035 §4.1.1 */
        dns_write_u16(b->buf, b->id);
        dns_write_u16(b->buf + 2, b->flags);
        dns_write_u16(b->buf + 4, b->counts[DNS_SECTION_QUESTION]);
        dns_write_u16(b->buf + 6, b->counts[DNS_SECTION_ANSWER]);
        dns_write_u16(b->buf + 8, b->counts[DNS_SECTION_AUTHORITY]);
        dns_write_u16(b->buf + 10, b->counts[DNS_SECTION_ADDITIONAL]);
        return b->len;
}

/* The hashes of every suffix of a name in one pass over its octets, from the root up: the
 * hash of a suffix is FNV-1a of its first label continued from the hash of the rest. hashes[i]
 * is for the suffix at offsets[i], i < k. */
static void suffix_hashes(const uint8_t *data, const size_t *offsets, size_t k, uint32_t *hashes) {
        uint32_t h = 2166136261u;

        for (size_t i = k; i-- > 0;) {
                const uint8_t *p = data + offsets[i], *end = p + 1 + p[0];

                for (; p < end; p++) {
                        h ^= *p;
                        h *= 16777619u;
                }
                hashes[i] = h;
        }
}

static int builder_append(struct dns_builder *b, const void *p, size_t n) {
        if (b->size - b->len < n)
                return -EMSGSIZE;
        if (n > 0)
                memcpy(b->buf + b->len, p, n);
        b->len += n;
        return 0;
}

/* Whether the name written at offset equals the given wire octets exactly. */
static bool builder_name_at_equals(const struct dns_builder *b, uint16_t offset, const uint8_t *p, size_t len) {
        struct dns_name n;
        size_t pos = offset;

        if (read_name(b->buf, b->len, &pos, b->len, &n) < 0)
                return false;
        return n.len == len && memcmp(n.data, p, len) == 0;
}

/* Undo everything added since the builder held `len` octets and `n_entries` suffixes. Entries
 * are unlinked newest first: each is the head of its chain when its turn comes. */
static void builder_rollback(struct dns_builder *b, size_t len, unsigned n_entries) {
        while (b->n_entries > n_entries) {
                const struct dns_builder_entry *en = &b->entries[--b->n_entries];

                b->buckets[en->hash % DNS_BUILDER_BUCKETS] = en->next;
        }
        b->len = len;
}

/* Write a name, compressed (RFC 1035 §4.1.4) against the suffixes already in the packet if
 * `compress`. Suffixes match octet for octet, case included: RFC 6762 §8.2 compares raw rdata,
 * so compression must not change the case a peer reads back. */
static int builder_write_name(struct dns_builder *b, const struct dns_name *name, bool compress) {
        const uint8_t *data = name->len == 0 ? (const uint8_t *) "" : name->data;
        size_t nlen = name->len == 0 ? 1 : name->len;
        size_t offsets[DNS_NAME_LABELS_MAX + 1], k = 0, i, start = b->len;
        uint32_t hashes[DNS_NAME_LABELS_MAX + 1];
        int pointer = -1;

        for (size_t p = 0; data[p] != 0; p += 1 + (size_t) data[p])
                offsets[k++] = p;
        if (compress)
                suffix_hashes(data, offsets, k, hashes);

        for (i = 0; compress && i < k && pointer < 0; i++) {
                size_t slen = nlen - offsets[i];
                uint32_t h = hashes[i];

                for (unsigned e = b->buckets[h % DNS_BUILDER_BUCKETS]; e != 0; e = b->entries[e - 1].next) {
                        const struct dns_builder_entry *en = &b->entries[e - 1];

                        if (en->hash == h && en->len == slen &&
                            builder_name_at_equals(b, en->offset, data + offsets[i], slen)) {
                                pointer = en->offset;
                                break;
                        }
                }
        }

        if (pointer >= 0) {
                size_t inline_len = offsets[i - 1];
                uint8_t ptr[2] = { (uint8_t) (LABEL_POINTER | (pointer >> 8)), (uint8_t) pointer };

                if (b->size - b->len < inline_len + 2)
                        return -EMSGSIZE;
                builder_append(b, data, inline_len);
                builder_append(b, ptr, 2);
                k = i - 1; /* labels written in line */
        } else if (builder_append(b, data, nlen) < 0)
                return -EMSGSIZE;

        /* Remember the suffixes written in line as targets for later names. */
        for (size_t j = 0; compress && j < k; j++) {
                size_t at = start + offsets[j], slen = nlen - offsets[j];

                uint32_t h = hashes[j];
                uint16_t *head = &b->buckets[h % DNS_BUILDER_BUCKETS];

                if (at > POINTER_OFFSET_MAX || b->n_entries >= DNS_BUILDER_COMPRESS_MAX)
                        break;
                b->entries[b->n_entries] = (struct dns_builder_entry) {
                        .hash = h,
                        .offset = (uint16_t) at,
                        .len = (uint8_t) slen,
                        .next = *head,
                };
                *head = (uint16_t) ++b->n_entries;
        }
        return 0;
}

int dns_builder_add_question(struct dns_builder *b, const struct dns_question *q) {
        size_t saved_len = b->len;
        unsigned saved_entries = b->n_entries;
        uint8_t tail[4];
        int r;

        if (b->broken)
                return -EMSGSIZE;
        /* RFC 1035 §4.1: the question section comes first */
        if (b->section != DNS_SECTION_QUESTION)
                return -EINVAL;
        if (!dns_name_is_valid(&q->name))
                return -EINVAL;
        if (b->counts[DNS_SECTION_QUESTION] == UINT16_MAX)
                return -EMSGSIZE;

        r = builder_write_name(b, &q->name, true);
        if (r < 0)
                goto rollback;
        dns_write_u16(tail, q->type);
        /* RFC 6762 §5.4: QU bit */
        dns_write_u16(tail + 2, (uint16_t) ((q->qclass & ~MDNS_CLASS_TOP_BIT) |
                                            (q->unicast_response ? MDNS_CLASS_TOP_BIT : 0)));
        r = builder_append(b, tail, sizeof(tail));
        if (r < 0)
                goto rollback;
        b->counts[DNS_SECTION_QUESTION]++;
        return 0;

rollback:
        builder_rollback(b, saved_len, saved_entries);
        return r;
}

static int builder_write_rdata(struct dns_builder *b, const struct dns_rr *rr) {
        const char *schema = dns_rdata_schema(rr->type);
        const uint8_t *p = rr->rdata;
        size_t pos = 0, len = rr->rdlength;

        if (!schema)
                return builder_append(b, p, len);

        /* Validated by the caller: every field is inside the rdata. */
        for (const char *f = schema; *f; f++) {
                size_t n;
                int r;

                switch (*f) {
                case 'c':
                case 'n': {
                        struct dns_name name;
                        r = dns_name_from_wire(&name, p + pos, len - pos);
                        if (r < 0)
                                return -EINVAL;
                        /* RFC 1035 §3.3 and RFC 6762 §18.14 ('c'); never the NSEC next name
                         * nor the RFC 3597 §4 types ('n') */
                        r = builder_write_name(b, &name, *f == 'c');
                        if (r < 0)
                                return r;
                        pos += name.len;
                        continue;
                }
                case '2':
                        n = 2;
                        break;
                case '4':
                        n = 4;
                        break;
                case 's':
                        n = 1 + (size_t) p[pos];
                        break;
                default: /* 'S', 'b' */
                        n = len - pos;
                        break;
                }
                r = builder_append(b, p + pos, n);
                if (r < 0)
                        return r;
                pos += n;
        }
        return 0;
}

int dns_builder_add_rr_ttl(struct dns_builder *b, enum dns_section s, const struct dns_rr *rr, uint32_t ttl,
                           bool cache_flush) {
        size_t saved_len = b->len, rdata_start;
        unsigned saved_entries = b->n_entries;
        uint8_t fixed[10];
        int r;

        if (b->broken)
                return -EMSGSIZE;
        /* RFC 1035 §4.1: answer, authority, additional, in this order */
        if (s <= DNS_SECTION_QUESTION || s >= _DNS_SECTION_MAX || s < b->section)
                return -EINVAL;
        if (!dns_name_is_valid(&rr->name))
                return -EINVAL;
        if (dns_rdata_validate(rr->type, rr->rdata, rr->rdlength) < 0)
                return -EINVAL;
        if (b->counts[s] == UINT16_MAX)
                return -EMSGSIZE;

        r = builder_write_name(b, &rr->name, true);
        if (r < 0)
                goto rollback;

        /* RFC 1035 §4.1.3; RFC 6762 §10.2: cache-flush bit on top of the class */
        dns_write_u16(fixed, rr->type);
        dns_write_u16(fixed + 2, (uint16_t) ((rr->rclass & ~MDNS_CLASS_TOP_BIT) |
                                             (cache_flush ? MDNS_CLASS_TOP_BIT : 0)));
        dns_write_u32(fixed + 4, ttl);
        dns_write_u16(fixed + 8, 0); /* rdlength, below */
        r = builder_append(b, fixed, sizeof(fixed));
        if (r < 0)
                goto rollback;

        rdata_start = b->len;
        r = builder_write_rdata(b, rr);
        if (r < 0)
                goto rollback;
        if (b->len - rdata_start > UINT16_MAX) {
                r = -EMSGSIZE;
                goto rollback;
        }
        dns_write_u16(b->buf + rdata_start - 2, (uint16_t) (b->len - rdata_start));

        b->counts[s]++;
        b->section = s;
        return 0;

rollback:
        builder_rollback(b, saved_len, saved_entries);
        return r;
}

int dns_builder_add_rr(struct dns_builder *b, enum dns_section s, const struct dns_rr *rr) {
        return dns_builder_add_rr_ttl(b, s, rr, rr->ttl, rr->cache_flush);
}
