# daemon/: the core library's edge-independent pieces and the zeroconfd program.
daemon_libzcore_la_SOURCES += \
	daemon/loop.c daemon/loop.h \
	daemon/iface.c daemon/iface.h \
	daemon/conf.c daemon/conf.h

sbin_PROGRAMS += daemon/zeroconfd
daemon_zeroconfd_SOURCES = daemon/main.c
daemon_zeroconfd_CFLAGS = $(AM_CFLAGS) $(LIBDAEMON_CFLAGS) $(LIBNL_CFLAGS) $(LIBNL_ROUTE_CFLAGS)
daemon_zeroconfd_LDADD = daemon/libzcore.la $(LIBDAEMON_LIBS)
