/*
 * tools/gen_constants.c: the numbers the socket module needs, as the C
 * compiler of one platform sees them. Do not compile it by hand: tools/gen.ts
 * writes gen_names.h (the CONSTANTS and SYS lists of tools/names.txt) into a
 * temporary directory and compiles this file with `cc -c -I <that dir> -I tools`
 * (or `$CC`, with `$CFLAGS`) once for the machine's own architecture and once
 * per cross compiler (`aarch64-linux-gnu-gcc`, ...) for the others.
 *
 * The program is never run. Every value is a constant expression (a macro,
 * a sizeof, an offsetof) in the initializer of one array, GEN_TABLE, placed
 * in its own ELF section, `gen_table`; tools/gen.ts reads that section out of
 * the object file. So a cross compiler gives the values of a machine this one
 * cannot execute, with no emulator: the compiler computes them, the linker
 * and the loader are never involved.
 *
 * An entry is a NUL-padded name of GEN_NAME_SIZE bytes and a 64-bit value
 * in the target's byte order. The name is `<table> <NAME>`, the table being
 *   C  a public constant of CPython's socket module (CONSTANTS),
 *   S  an internal number the implementation needs (SYS),
 *   L  a size, offset or flag of a C type (LAYOUT), named by its parts
 *      (`L OFF sockaddr_in sin_port`), which tools/gen.ts upper-cases and
 *      joins into OFF_SOCKADDR_IN_SIN_PORT ("." of a nested member is "_"),
 *   M  a note for the driver, not a value (`M BLUEZ headers|abi|none`,
 *      `M BITS_ENTRY_SIZE` with the size of a GEN_BITS entry).
 *
 * Bit-fields, which offsetof and sizeof cannot take, are laid out by the
 * compiler too: GEN_BITS, in section `gen_bits`, holds one copy of the struct
 * per bit-field with only that field's bits set, and tools/gen.ts reads their
 * position and width from the bytes.
 *
 * The headers are those Modules/socketmodule.c (and its socketmodule.h)
 * includes on Linux, with the same feature macros (_GNU_SOURCE).
 */
#define _GNU_SOURCE 1

#include <stddef.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <sys/param.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#if __has_include(<linux/types.h>)
#  include <linux/types.h>
#endif
#include <arpa/inet.h>
#include <netdb.h>
#include <net/if.h>

#if __has_include(<net/ethernet.h>)
#  include <net/ethernet.h>
#endif
#if __has_include(<sys/epoll.h>)
#  include <sys/epoll.h>
#  define HAVE_SYS_EPOLL_H 1
#endif
#if __has_include(<sys/eventfd.h>)
#  include <sys/eventfd.h>
#  define HAVE_SYS_EVENTFD_H 1
#endif
#if __has_include(<sys/event.h>)
#  include <sys/event.h>
#endif
#if __has_include(<netpacket/packet.h>)
#  include <netpacket/packet.h>
#endif
#if __has_include(<net/if_arp.h>)
#  include <net/if_arp.h>
#endif
#if __has_include(<linux/if_ether.h>)
#  include <linux/if_ether.h>
#endif
#if __has_include(<linux/netlink.h>)
#  include <linux/netlink.h>
#  define HAVE_LINUX_NETLINK_H 1
#endif
#if __has_include(<linux/rtnetlink.h>)
#  include <linux/rtnetlink.h>
#  define HAVE_LINUX_RTNETLINK_H 1
#endif
#if __has_include(<linux/errqueue.h>)
#  include <linux/errqueue.h>
#  define HAVE_LINUX_ERRQUEUE_H 1
#endif
#if __has_include(<linux/qrtr.h>)
#  include <linux/qrtr.h>
#  define HAVE_LINUX_QRTR_H 1
#endif
#if __has_include(<linux/tipc.h>)
#  include <linux/tipc.h>
#  define HAVE_LINUX_TIPC_H 1
#endif
#if __has_include(<linux/if_alg.h>)
#  include <linux/if_alg.h>
#  define HAVE_LINUX_IF_ALG_H 1
#endif
#if __has_include(<linux/netfilter_ipv4.h>)
#  include <linux/netfilter_ipv4.h>
#endif
#if __has_include(<linux/vm_sockets.h>)
#  include <linux/vm_sockets.h>
#  define HAVE_LINUX_VM_SOCKETS_H 1
#endif
#if __has_include(<linux/rds.h>)
#  include <linux/rds.h>
#endif
#if __has_include(<linux/can.h>)
#  include <linux/can.h>
#  define HAVE_LINUX_CAN_H 1
#endif
#if __has_include(<linux/can/raw.h>)
#  include <linux/can/raw.h>
#  define HAVE_LINUX_CAN_RAW_H 1
#endif
#if __has_include(<linux/can/bcm.h>)
#  include <linux/can/bcm.h>
#  define HAVE_LINUX_CAN_BCM_H 1
#endif
#if __has_include(<linux/can/isotp.h>)
#  include <linux/can/isotp.h>
#endif
#if __has_include(<linux/can/j1939.h>)
#  include <linux/can/j1939.h>
#  define HAVE_LINUX_CAN_J1939_H 1
#endif

/*
 * Bluetooth. CPython defines the BTPROTO_*, BT_*, HCI_* ... names only when
 * it was built with the BlueZ development headers (Debian: libbluetooth-dev),
 * so a python3 built without them has no AF_BLUETOOTH at all. The names are
 * kernel ABI, though, and this module exports them on every Linux: with the
 * BlueZ headers installed they come from <bluetooth/...h>; without them, from
 * tools/bluez_abi.h, which declares the same macros and the four sockaddr
 * structs as the kernel defines them. tools/gen.ts compiles both ways when
 * BlueZ is present and fails if they disagree. To drop the Bluetooth names
 * (and match a python3 built without BlueZ), generate with
 * `CFLAGS=-DGEN_NO_BLUETOOTH deno run -A tools/gen.ts`.
 */
#if defined(__linux__) && !defined(GEN_NO_BLUETOOTH)
#  if __has_include(<bluetooth/bluetooth.h>) && !defined(GEN_NO_BLUEZ)
#    include <bluetooth/bluetooth.h>
#    include <bluetooth/l2cap.h>
#    include <bluetooth/rfcomm.h>
#    include <bluetooth/sco.h>
#    include <bluetooth/hci.h>
#    define HAVE_BLUETOOTH_BLUETOOTH_H 1
#    define GEN_BLUEZ_SOURCE "headers"
#  else
#    include "bluez_abi.h"
#    define GEN_BLUEZ_SOURCE "abi"
#  endif
#  define USE_BLUETOOTH 1
#else
#  define GEN_BLUEZ_SOURCE "none"
#endif

/*
 * Fallbacks socketmodule.c and socketmodule.h themselves supply, so these
 * names exist even where a header lacks them (or has them only as enum
 * values, as glibc has IPPORT_USERRESERVED).
 */
#ifndef SOMAXCONN
#  define SOMAXCONN 5
#endif
#ifndef SOL_IP
#  define SOL_IP 0
#endif
#ifndef SOL_TCP
#  define SOL_TCP 6
#endif
#ifndef SOL_UDP
#  define SOL_UDP 17
#endif
#ifndef IPPROTO_IP
#  define IPPROTO_IP 0
#endif
#ifndef IPPROTO_ICMP
#  define IPPROTO_ICMP 1
#endif
#ifndef IPPROTO_TCP
#  define IPPROTO_TCP 6
#endif
#ifndef IPPROTO_UDP
#  define IPPROTO_UDP 17
#endif
#ifndef IPPROTO_RAW
#  define IPPROTO_RAW 255
#endif
#ifndef IPPORT_RESERVED
#  define IPPORT_RESERVED 1024
#endif
#ifndef IPPORT_USERRESERVED
#  define IPPORT_USERRESERVED 5000
#endif
#ifndef INADDR_ANY
#  define INADDR_ANY 0x00000000
#endif
#ifndef INADDR_BROADCAST
#  define INADDR_BROADCAST 0xffffffff
#endif
#ifndef INADDR_LOOPBACK
#  define INADDR_LOOPBACK 0x7F000001
#endif
#ifndef INADDR_UNSPEC_GROUP
#  define INADDR_UNSPEC_GROUP 0xe0000000
#endif
#ifndef INADDR_ALLHOSTS_GROUP
#  define INADDR_ALLHOSTS_GROUP 0xe0000001
#endif
#ifndef INADDR_MAX_LOCAL_GROUP
#  define INADDR_MAX_LOCAL_GROUP 0xe00000ff
#endif
#ifndef INADDR_NONE
#  define INADDR_NONE 0xffffffff
#endif
#ifndef SHUT_RD
#  define SHUT_RD 0
#endif
#ifndef SHUT_WR
#  define SHUT_WR 1
#endif
#ifndef SHUT_RDWR
#  define SHUT_RDWR 2
#endif
#ifdef HAVE_LINUX_IF_ALG_H
#  ifndef AF_ALG
#    define AF_ALG 38
#  endif
#  ifndef SOL_ALG
#    define SOL_ALG 279
#  endif
#  ifndef ALG_SET_AEAD_ASSOCLEN
#    define ALG_SET_AEAD_ASSOCLEN 4
#  endif
#  ifndef ALG_SET_AEAD_AUTHSIZE
#    define ALG_SET_AEAD_AUTHSIZE 5
#  endif
/* The akcipher names CPython defines, though Linux never merged them. */
#  ifndef ALG_SET_PUBKEY
#    define ALG_SET_PUBKEY 6
#  endif
#  ifndef ALG_OP_SIGN
#    define ALG_OP_SIGN 2
#  endif
#  ifndef ALG_OP_VERIFY
#    define ALG_OP_VERIFY 3
#  endif
#endif
#ifdef IPPROTO_UDPLITE
#  ifndef UDPLITE_SEND_CSCOV
#    define UDPLITE_SEND_CSCOV 10
#  endif
#  ifndef UDPLITE_RECV_CSCOV
#    define UDPLITE_RECV_CSCOV 11
#  endif
#endif

/*
 * The kernel's struct tcp_info (include/uapi/linux/tcp.h, Linux 6.18), for
 * tcp_info(). <linux/tcp.h> cannot be included beside <netinet/tcp.h>, whose
 * own struct tcp_info stops at tcpi_total_retrans, and an installed
 * <linux/tcp.h> may be older than the running kernel. The kernel only ever
 * appends fields, and returns as many bytes as it knows (getsockopt's
 * optlen), so the decoder names the fields that fit in what was returned.
 * The compiler lays the struct out (offsetof, sizeof; the bit-fields through
 * GEN_BITS below); a static assertion checks the prefix it shares with
 * glibc's declaration.
 */
#ifdef __linux__
#  define HAVE_TCP_STATES 1
struct gen_tcp_info {
    __u8 tcpi_state;
    __u8 tcpi_ca_state;
    __u8 tcpi_retransmits;
    __u8 tcpi_probes;
    __u8 tcpi_backoff;
    __u8 tcpi_options;
    __u8 tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    __u8 tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;
    __u32 tcpi_rto;
    __u32 tcpi_ato;
    __u32 tcpi_snd_mss;
    __u32 tcpi_rcv_mss;
    __u32 tcpi_unacked;
    __u32 tcpi_sacked;
    __u32 tcpi_lost;
    __u32 tcpi_retrans;
    __u32 tcpi_fackets;
    __u32 tcpi_last_data_sent;
    __u32 tcpi_last_ack_sent;
    __u32 tcpi_last_data_recv;
    __u32 tcpi_last_ack_recv;
    __u32 tcpi_pmtu;
    __u32 tcpi_rcv_ssthresh;
    __u32 tcpi_rtt;
    __u32 tcpi_rttvar;
    __u32 tcpi_snd_ssthresh;
    __u32 tcpi_snd_cwnd;
    __u32 tcpi_advmss;
    __u32 tcpi_reordering;
    __u32 tcpi_rcv_rtt;
    __u32 tcpi_rcv_space;
    __u32 tcpi_total_retrans;
    __u64 tcpi_pacing_rate;
    __u64 tcpi_max_pacing_rate;
    __u64 tcpi_bytes_acked;
    __u64 tcpi_bytes_received;
    __u32 tcpi_segs_out;
    __u32 tcpi_segs_in;
    __u32 tcpi_notsent_bytes;
    __u32 tcpi_min_rtt;
    __u32 tcpi_data_segs_in;
    __u32 tcpi_data_segs_out;
    __u64 tcpi_delivery_rate;
    __u64 tcpi_busy_time;
    __u64 tcpi_rwnd_limited;
    __u64 tcpi_sndbuf_limited;
    __u32 tcpi_delivered;
    __u32 tcpi_delivered_ce;
    __u64 tcpi_bytes_sent;
    __u64 tcpi_bytes_retrans;
    __u32 tcpi_dsack_dups;
    __u32 tcpi_reord_seen;
    __u32 tcpi_rcv_ooopack;
    __u32 tcpi_snd_wnd;
    __u32 tcpi_rcv_wnd;
    __u32 tcpi_rehash;
    __u16 tcpi_total_rto;
    __u16 tcpi_total_rto_recoveries;
    __u32 tcpi_total_rto_time;
    __u32 tcpi_received_ce;
    __u32 tcpi_delivered_e1_bytes;
    __u32 tcpi_delivered_e0_bytes;
    __u32 tcpi_delivered_ce_bytes;
    __u32 tcpi_received_e1_bytes;
    __u32 tcpi_received_e0_bytes;
    __u32 tcpi_received_ce_bytes;
    __u16 tcpi_accecn_fail_mode;
    __u16 tcpi_accecn_opt_seen;
};
_Static_assert(offsetof(struct gen_tcp_info, tcpi_total_retrans)
               == offsetof(struct tcp_info, tcpi_total_retrans),
               "tcp_info mirror disagrees with <netinet/tcp.h>");
#endif

#define GEN_NAME_SIZE 64

/* One value: see the header comment. */
struct gen_entry {
    char name[GEN_NAME_SIZE];
    long long value;
};

/* A value, converted to C `long` as PyModule_AddIntConstant() does. */
#define V(table, name, expr) {table " " name, (long long)(long)(expr)},

/* struct tag: its size; one field: its offset and size. */
#define SIZE(tag) {"L SIZEOF " #tag, sizeof(struct tag)},
#define MEMBER_SIZE(type, f) sizeof(((type *)0)->f)
/*
 * Field `f` of `type`, named in the table `<label> <name>`: the strings are
 * made by the caller, before `f` (s6_addr, ifr_name, ...) is macro-expanded.
 */
#define FIELD_AS(label, name, type, f)                                \
    {"L OFF " label " " name, offsetof(type, f)},                     \
    {"L SIZEOF " label " " name, MEMBER_SIZE(type, f)},
#define FIELD(tag, f) FIELD_AS(#tag, #f, struct tag, f)
/* A flexible array member: only its offset. */
#define FLEX(tag, f) {"L OFF " #tag " " #f, offsetof(struct tag, f)},
/* A typedef name: SIZEOF_<NAME>. */
#define TSIZE(type) {"L SIZEOF " #type, sizeof(type)},
#define FLAG(name, value) {"L " name, (long long)(value)},
/* A field of the tcp_info mirror, named after the kernel's struct. */
#define TCPI(f) FIELD_AS("tcp_info", #f, struct gen_tcp_info, f)

#ifdef __linux__
/*
 * The bit-fields of the tcp_info mirror, which offsetof and sizeof cannot
 * take. Each entry is `<struct> <field>` and a copy of the struct in which
 * only that field is set, to -1 (all its bits, whatever its width: the
 * conversion to an unsigned bit-field is modulo 2^width), every other byte
 * zero. GEN_BITS is in its own section, `gen_bits`, like GEN_TABLE: tools/gen.ts
 * finds the set bits in each copy and adds BITS_TCP_INFO_<FIELD> (the byte
 * offset * 256 + the shift of the lowest bit in that byte) and
 * WIDTH_TCP_INFO_<FIELD> (how many bits) to LAYOUT. A field whose bits are
 * not one run within one byte is an error there.
 */
struct gen_bits {
    char name[GEN_NAME_SIZE];
    struct gen_tcp_info ones;
};
_Static_assert(offsetof(struct gen_bits, ones) == GEN_NAME_SIZE,
               "a gen_bits entry's struct follows its name");

#define TCPI_BITS(f) {"tcp_info " #f, {.f = -1}},

__attribute__((used, section("gen_bits")))
static const struct gen_bits GEN_BITS[] = {
    TCPI_BITS(tcpi_snd_wscale)
    TCPI_BITS(tcpi_rcv_wscale)
    TCPI_BITS(tcpi_delivery_rate_app_limited)
    TCPI_BITS(tcpi_fastopen_client_fail)
};
#endif

__attribute__((used, section("gen_table")))
static const struct gen_entry GEN_TABLE[] = {
    {"M BLUEZ " GEN_BLUEZ_SOURCE, 0},
#ifdef __linux__
    /* The size of one GEN_BITS entry, for tools/gen.ts to walk them. */
    {"M BITS_ENTRY_SIZE", sizeof(struct gen_bits)},
#endif

/* gen_names.h holds the V() lines of names.txt, each under its #if. */
#include "gen_names.h"

    TSIZE(int)
    TSIZE(long)
    TSIZE(short)
    {"L SIZEOF POINTER", sizeof(void *)},
    TSIZE(size_t)
    TSIZE(socklen_t)
    TSIZE(sa_family_t)
    TSIZE(in_port_t)
    TSIZE(time_t)
    TSIZE(sigset_t)
    TSIZE(off_t)
    TSIZE(nfds_t)
    /* 1 where multi-byte integers are stored least significant byte first. */
    FLAG("HOST_LITTLE_ENDIAN", __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)

    SIZE(sockaddr)
    FIELD(sockaddr, sa_family)
    FIELD(sockaddr, sa_data)
    SIZE(sockaddr_storage)
    FIELD(sockaddr_storage, ss_family)
#ifdef __linux__
    FLAG("HAS_SA_LEN", 0)
#else
    FLAG("HAS_SA_LEN", 1)
#endif

    SIZE(in_addr)
    FIELD(in_addr, s_addr)
    SIZE(sockaddr_in)
    FIELD(sockaddr_in, sin_family)
    FIELD(sockaddr_in, sin_port)
    FIELD(sockaddr_in, sin_addr)
    FIELD(sockaddr_in, sin_zero)

    SIZE(in6_addr)
    FIELD(in6_addr, s6_addr)
    SIZE(sockaddr_in6)
    FIELD(sockaddr_in6, sin6_family)
    FIELD(sockaddr_in6, sin6_port)
    FIELD(sockaddr_in6, sin6_flowinfo)
    FIELD(sockaddr_in6, sin6_addr)
    FIELD(sockaddr_in6, sin6_scope_id)

    SIZE(sockaddr_un)
    FIELD(sockaddr_un, sun_family)
    FIELD(sockaddr_un, sun_path)

#ifdef HAVE_LINUX_NETLINK_H
    SIZE(sockaddr_nl)
    FIELD(sockaddr_nl, nl_family)
    FIELD(sockaddr_nl, nl_pad)
    FIELD(sockaddr_nl, nl_pid)
    FIELD(sockaddr_nl, nl_groups)
#endif

#ifdef AF_PACKET
    SIZE(sockaddr_ll)
    FIELD(sockaddr_ll, sll_family)
    FIELD(sockaddr_ll, sll_protocol)
    FIELD(sockaddr_ll, sll_ifindex)
    FIELD(sockaddr_ll, sll_hatype)
    FIELD(sockaddr_ll, sll_pkttype)
    FIELD(sockaddr_ll, sll_halen)
    FIELD(sockaddr_ll, sll_addr)
#endif

#ifdef HAVE_LINUX_VM_SOCKETS_H
    SIZE(sockaddr_vm)
    FIELD(sockaddr_vm, svm_family)
    FIELD(sockaddr_vm, svm_reserved1)
    FIELD(sockaddr_vm, svm_port)
    FIELD(sockaddr_vm, svm_cid)
    FIELD(sockaddr_vm, svm_flags)
    FIELD(sockaddr_vm, svm_zero)
#endif

#ifdef HAVE_LINUX_QRTR_H
    SIZE(sockaddr_qrtr)
    FIELD(sockaddr_qrtr, sq_family)
    FIELD(sockaddr_qrtr, sq_node)
    FIELD(sockaddr_qrtr, sq_port)
#endif

#ifdef HAVE_LINUX_CAN_H
    SIZE(sockaddr_can)
    FIELD(sockaddr_can, can_family)
    FIELD(sockaddr_can, can_ifindex)
    FIELD(sockaddr_can, can_addr)
    FIELD(sockaddr_can, can_addr.tp.rx_id)
    FIELD(sockaddr_can, can_addr.tp.tx_id)
    FIELD(sockaddr_can, can_addr.j1939.name)
    FIELD(sockaddr_can, can_addr.j1939.pgn)
    FIELD(sockaddr_can, can_addr.j1939.addr)

    SIZE(can_frame)
    FIELD(can_frame, can_id)
    FIELD(can_frame, len)
    FIELD(can_frame, can_dlc)
    FIELD(can_frame, len8_dlc)
    FIELD(can_frame, data)
    SIZE(canfd_frame)
    FIELD(canfd_frame, can_id)
    FIELD(canfd_frame, len)
    FIELD(canfd_frame, flags)
    FIELD(canfd_frame, data)
#endif

#ifdef HAVE_LINUX_CAN_BCM_H
    SIZE(bcm_msg_head)
    FIELD(bcm_msg_head, opcode)
    FIELD(bcm_msg_head, flags)
    FIELD(bcm_msg_head, count)
    FIELD(bcm_msg_head, ival1)
    FIELD(bcm_msg_head, ival2)
    FIELD(bcm_msg_head, can_id)
    FIELD(bcm_msg_head, nframes)
    FLEX(bcm_msg_head, frames)
#endif

#ifdef HAVE_LINUX_TIPC_H
    SIZE(sockaddr_tipc)
    FIELD(sockaddr_tipc, family)
    FIELD(sockaddr_tipc, addrtype)
    FIELD(sockaddr_tipc, scope)
    FIELD(sockaddr_tipc, addr.nameseq.type)
    FIELD(sockaddr_tipc, addr.nameseq.lower)
    FIELD(sockaddr_tipc, addr.nameseq.upper)
    FIELD(sockaddr_tipc, addr.name.name.type)
    FIELD(sockaddr_tipc, addr.name.name.instance)
    FIELD(sockaddr_tipc, addr.name.domain)
    FIELD(sockaddr_tipc, addr.id.ref)
    FIELD(sockaddr_tipc, addr.id.node)
#endif

#ifdef HAVE_LINUX_IF_ALG_H
    SIZE(sockaddr_alg)
    FIELD(sockaddr_alg, salg_family)
    FIELD(sockaddr_alg, salg_type)
    FIELD(sockaddr_alg, salg_feat)
    FIELD(sockaddr_alg, salg_mask)
    FIELD(sockaddr_alg, salg_name)
    SIZE(af_alg_iv)
    FIELD(af_alg_iv, ivlen)
    FLEX(af_alg_iv, iv)
#endif

#ifdef USE_BLUETOOTH
    TSIZE(bdaddr_t)
    SIZE(sockaddr_l2)
    FIELD(sockaddr_l2, l2_family)
    FIELD(sockaddr_l2, l2_psm)
    FIELD(sockaddr_l2, l2_bdaddr)
    FIELD(sockaddr_l2, l2_cid)
    FIELD(sockaddr_l2, l2_bdaddr_type)
    SIZE(sockaddr_rc)
    FIELD(sockaddr_rc, rc_family)
    FIELD(sockaddr_rc, rc_bdaddr)
    FIELD(sockaddr_rc, rc_channel)
    SIZE(sockaddr_hci)
    FIELD(sockaddr_hci, hci_family)
    FIELD(sockaddr_hci, hci_dev)
    FIELD(sockaddr_hci, hci_channel)
    SIZE(sockaddr_sco)
    FIELD(sockaddr_sco, sco_family)
    FIELD(sockaddr_sco, sco_bdaddr)
#endif

    /* sendmsg() / recvmsg() */
    SIZE(msghdr)
    FIELD(msghdr, msg_name)
    FIELD(msghdr, msg_namelen)
    FIELD(msghdr, msg_iov)
    FIELD(msghdr, msg_iovlen)
    FIELD(msghdr, msg_control)
    FIELD(msghdr, msg_controllen)
    FIELD(msghdr, msg_flags)
    SIZE(iovec)
    FIELD(iovec, iov_base)
    FIELD(iovec, iov_len)
    SIZE(cmsghdr)
    FIELD(cmsghdr, cmsg_len)
    FIELD(cmsghdr, cmsg_level)
    FIELD(cmsghdr, cmsg_type)
    /* CMSG_ALIGN() rounds up to this; CMSG_DATA() is this far into a cmsghdr. */
    FLAG("CMSG_ALIGN_UNIT", CMSG_ALIGN(1))
    FLAG("CMSG_DATA_OFFSET", CMSG_LEN(0))

    /* netdb */
    SIZE(addrinfo)
    FIELD(addrinfo, ai_flags)
    FIELD(addrinfo, ai_family)
    FIELD(addrinfo, ai_socktype)
    FIELD(addrinfo, ai_protocol)
    FIELD(addrinfo, ai_addrlen)
    FIELD(addrinfo, ai_addr)
    FIELD(addrinfo, ai_canonname)
    FIELD(addrinfo, ai_next)
    SIZE(hostent)
    FIELD(hostent, h_name)
    FIELD(hostent, h_aliases)
    FIELD(hostent, h_addrtype)
    FIELD(hostent, h_length)
    FIELD(hostent, h_addr_list)
    SIZE(servent)
    FIELD(servent, s_name)
    FIELD(servent, s_aliases)
    FIELD(servent, s_port)
    FIELD(servent, s_proto)
    SIZE(protoent)
    FIELD(protoent, p_name)
    FIELD(protoent, p_aliases)
    FIELD(protoent, p_proto)

    /* interfaces */
    SIZE(if_nameindex)
    FIELD(if_nameindex, if_index)
    FIELD(if_nameindex, if_name)
    SIZE(ifreq)
    FIELD(ifreq, ifr_name)
#ifdef __linux__
    FIELD(ifreq, ifr_ifindex)
    FIELD(ifreq, ifr_hwaddr)
#endif
    FIELD(ifreq, ifr_flags)
    FIELD(ifreq, ifr_addr)

    /* socket options and ancillary data */
#ifdef SO_PEERCRED
    SIZE(ucred)
    FIELD(ucred, pid)
    FIELD(ucred, uid)
    FIELD(ucred, gid)
#endif
    SIZE(in_pktinfo)
    FIELD(in_pktinfo, ipi_ifindex)
    FIELD(in_pktinfo, ipi_spec_dst)
    FIELD(in_pktinfo, ipi_addr)
    SIZE(in6_pktinfo)
    FIELD(in6_pktinfo, ipi6_addr)
    FIELD(in6_pktinfo, ipi6_ifindex)
    SIZE(ip_mreq)
    FIELD(ip_mreq, imr_multiaddr)
    FIELD(ip_mreq, imr_interface)
    SIZE(ip_mreqn)
    FIELD(ip_mreqn, imr_multiaddr)
    FIELD(ip_mreqn, imr_address)
    FIELD(ip_mreqn, imr_ifindex)
    SIZE(ipv6_mreq)
    FIELD(ipv6_mreq, ipv6mr_multiaddr)
    FIELD(ipv6_mreq, ipv6mr_interface)
    SIZE(linger)
    FIELD(linger, l_onoff)
    FIELD(linger, l_linger)
#ifdef __linux__
    /* sendmmsg() / recvmmsg() */
    SIZE(mmsghdr)
    FIELD(mmsghdr, msg_hdr)
    FIELD(mmsghdr, msg_len)

    /* tcp_info(): the kernel's struct; its bit-fields are in GEN_BITS. */
    {"L SIZEOF tcp_info", sizeof(struct gen_tcp_info)},
    TCPI(tcpi_state)
    TCPI(tcpi_ca_state)
    TCPI(tcpi_retransmits)
    TCPI(tcpi_probes)
    TCPI(tcpi_backoff)
    TCPI(tcpi_options)
    TCPI(tcpi_rto)
    TCPI(tcpi_ato)
    TCPI(tcpi_snd_mss)
    TCPI(tcpi_rcv_mss)
    TCPI(tcpi_unacked)
    TCPI(tcpi_sacked)
    TCPI(tcpi_lost)
    TCPI(tcpi_retrans)
    TCPI(tcpi_fackets)
    TCPI(tcpi_last_data_sent)
    TCPI(tcpi_last_ack_sent)
    TCPI(tcpi_last_data_recv)
    TCPI(tcpi_last_ack_recv)
    TCPI(tcpi_pmtu)
    TCPI(tcpi_rcv_ssthresh)
    TCPI(tcpi_rtt)
    TCPI(tcpi_rttvar)
    TCPI(tcpi_snd_ssthresh)
    TCPI(tcpi_snd_cwnd)
    TCPI(tcpi_advmss)
    TCPI(tcpi_reordering)
    TCPI(tcpi_rcv_rtt)
    TCPI(tcpi_rcv_space)
    TCPI(tcpi_total_retrans)
    TCPI(tcpi_pacing_rate)
    TCPI(tcpi_max_pacing_rate)
    TCPI(tcpi_bytes_acked)
    TCPI(tcpi_bytes_received)
    TCPI(tcpi_segs_out)
    TCPI(tcpi_segs_in)
    TCPI(tcpi_notsent_bytes)
    TCPI(tcpi_min_rtt)
    TCPI(tcpi_data_segs_in)
    TCPI(tcpi_data_segs_out)
    TCPI(tcpi_delivery_rate)
    TCPI(tcpi_busy_time)
    TCPI(tcpi_rwnd_limited)
    TCPI(tcpi_sndbuf_limited)
    TCPI(tcpi_delivered)
    TCPI(tcpi_delivered_ce)
    TCPI(tcpi_bytes_sent)
    TCPI(tcpi_bytes_retrans)
    TCPI(tcpi_dsack_dups)
    TCPI(tcpi_reord_seen)
    TCPI(tcpi_rcv_ooopack)
    TCPI(tcpi_snd_wnd)
    TCPI(tcpi_rcv_wnd)
    TCPI(tcpi_rehash)
    TCPI(tcpi_total_rto)
    TCPI(tcpi_total_rto_recoveries)
    TCPI(tcpi_total_rto_time)
    TCPI(tcpi_received_ce)
    TCPI(tcpi_delivered_e1_bytes)
    TCPI(tcpi_delivered_e0_bytes)
    TCPI(tcpi_delivered_ce_bytes)
    TCPI(tcpi_received_e1_bytes)
    TCPI(tcpi_received_e0_bytes)
    TCPI(tcpi_received_ce_bytes)
    TCPI(tcpi_accecn_fail_mode)
    TCPI(tcpi_accecn_opt_seen)
#endif
#ifdef HAVE_LINUX_ERRQUEUE_H
    SIZE(sock_extended_err)
    FIELD(sock_extended_err, ee_errno)
    FIELD(sock_extended_err, ee_origin)
    FIELD(sock_extended_err, ee_type)
    FIELD(sock_extended_err, ee_code)
    FIELD(sock_extended_err, ee_pad)
    FIELD(sock_extended_err, ee_info)
    FIELD(sock_extended_err, ee_data)
#endif

    /* time, polling, limits */
    SIZE(timeval)
    FIELD(timeval, tv_sec)
    FIELD(timeval, tv_usec)
    SIZE(timespec)
    FIELD(timespec, tv_sec)
    FIELD(timespec, tv_nsec)
    SIZE(pollfd)
    FIELD(pollfd, fd)
    FIELD(pollfd, events)
    FIELD(pollfd, revents)
#ifdef HAVE_SYS_EPOLL_H
    /* 12 bytes, packed, on x86_64 (__EPOLL_PACKED); 16 on aarch64. */
    SIZE(epoll_event)
    FIELD(epoll_event, events)
    FIELD(epoll_event, data)
#endif
    SIZE(rlimit)
    FIELD(rlimit, rlim_cur)
    FIELD(rlimit, rlim_max)

#ifdef HAVE_LINUX_NETLINK_H
    SIZE(nlmsghdr)
    FIELD(nlmsghdr, nlmsg_len)
    FIELD(nlmsghdr, nlmsg_type)
    FIELD(nlmsghdr, nlmsg_flags)
    FIELD(nlmsghdr, nlmsg_seq)
    FIELD(nlmsghdr, nlmsg_pid)
    SIZE(nlmsgerr)
    FIELD(nlmsgerr, error)
    FIELD(nlmsgerr, msg)
#endif
#ifdef HAVE_LINUX_RTNETLINK_H
    SIZE(ifinfomsg)
    FIELD(ifinfomsg, ifi_family)
    FIELD(ifinfomsg, ifi_type)
    FIELD(ifinfomsg, ifi_index)
    FIELD(ifinfomsg, ifi_flags)
    FIELD(ifinfomsg, ifi_change)
    SIZE(rtattr)
    FIELD(rtattr, rta_len)
    FIELD(rtattr, rta_type)
#endif
};
