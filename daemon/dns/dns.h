/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The DNS wire codec used by mDNS and DNS-SD: names (dns-name.h), records and rdata (dns-rr.h),
 * messages: parsing and building with compression (dns-packet.h). No I/O. */
#pragma once

#include "dns/dns-name.h"
#include "dns/dns-packet.h"
#include "dns/dns-rr.h"
