# daemon/mdns/: Multicast DNS (RFC 6762): sockets, the responder core, the edge.
daemon_libzcore_la_SOURCES += \
	daemon/mdns/socket.c daemon/mdns/socket.h \
	daemon/mdns/host-name.c daemon/mdns/host-name.h \
	daemon/mdns/respond.c daemon/mdns/respond.h \
	daemon/mdns/mdns.c daemon/mdns/mdns.h
