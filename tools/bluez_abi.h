/*
 * tools/bluez_abi.h: the Linux Bluetooth socket ABI that tools/gen_constants.c
 * needs, for machines without the BlueZ development headers (Debian:
 * libbluetooth-dev). Included only when <bluetooth/bluetooth.h> is absent.
 *
 * These are kernel ABI values and layouts (the kernel's
 * include/net/bluetooth/{bluetooth,hci,l2cap,rfcomm,sco}.h, which are not
 * exported as uapi headers); BlueZ's <bluetooth/*.h> (5.66) repeat them.
 * Where BlueZ is installed, tools/gen.ts compiles gen_constants.c both with
 * BlueZ and with this file, and fails if the two outputs differ.
 *
 * Only names tools/names.txt asks for are declared here.
 */
#ifndef GEN_BLUEZ_ABI_H
#define GEN_BLUEZ_ABI_H

#include <stdint.h>
#include <sys/socket.h>

/* Protocols and socket levels (bluetooth.h). */
#define BTPROTO_L2CAP 0
#define BTPROTO_HCI 1
#define BTPROTO_SCO 2
#define BTPROTO_RFCOMM 3
#define SOL_HCI 0
#define SOL_L2CAP 6
#define SOL_SCO 17
#define SOL_RFCOMM 18
#ifndef SOL_BLUETOOTH
#  define SOL_BLUETOOTH 274
#endif

/* SOL_BLUETOOTH options (bluetooth.h). */
#define BT_SECURITY 4
#define BT_SECURITY_SDP 0
#define BT_SECURITY_LOW 1
#define BT_SECURITY_MEDIUM 2
#define BT_SECURITY_HIGH 3
#define BT_SECURITY_FIPS 4
#define BT_DEFER_SETUP 7
#define BT_FLUSHABLE 8
#define BT_FLUSHABLE_OFF 0
#define BT_FLUSHABLE_ON 1
#define BT_POWER 9
#define BT_POWER_FORCE_ACTIVE_OFF 0
#define BT_POWER_FORCE_ACTIVE_ON 1
#define BT_CHANNEL_POLICY 10
#define BT_CHANNEL_POLICY_BREDR_ONLY 0
#define BT_CHANNEL_POLICY_BREDR_PREFERRED 1
#define BT_VOICE 11
#define BT_VOICE_TRANSPARENT 0x0003
#define BT_VOICE_CVSD_16BIT 0x0060
#define BT_SNDMTU 12
#define BT_RCVMTU 13
#define BT_PHY 14
#define BT_PHY_BR_1M_1SLOT 0x00000001
#define BT_PHY_BR_1M_3SLOT 0x00000002
#define BT_PHY_BR_1M_5SLOT 0x00000004
#define BT_PHY_EDR_2M_1SLOT 0x00000008
#define BT_PHY_EDR_2M_3SLOT 0x00000010
#define BT_PHY_EDR_2M_5SLOT 0x00000020
#define BT_PHY_EDR_3M_1SLOT 0x00000040
#define BT_PHY_EDR_3M_3SLOT 0x00000080
#define BT_PHY_EDR_3M_5SLOT 0x00000100
#define BT_PHY_LE_1M_TX 0x00000200
#define BT_PHY_LE_1M_RX 0x00000400
#define BT_PHY_LE_2M_TX 0x00000800
#define BT_PHY_LE_2M_RX 0x00001000
#define BT_PHY_LE_CODED_TX 0x00002000
#define BT_PHY_LE_CODED_RX 0x00004000
#define BT_MODE 15
#define BT_MODE_BASIC 0x00
#define BT_MODE_ERTM 0x01
#define BT_MODE_STREAMING 0x02
#define BT_MODE_LE_FLOWCTL 0x03
#define BT_MODE_EXT_FLOWCTL 0x04
#define BT_PKT_STATUS 16
#define BT_ISO_QOS 17
#define BT_CODEC 19

/* Address types of sockaddr_l2.l2_bdaddr_type (bluetooth.h). */
#define BDADDR_BREDR 0x00
#define BDADDR_LE_PUBLIC 0x01
#define BDADDR_LE_RANDOM 0x02

/* SOL_L2CAP link mode option (l2cap.h). */
#define L2CAP_LM 0x03
#define L2CAP_LM_MASTER 0x0001
#define L2CAP_LM_AUTH 0x0002
#define L2CAP_LM_ENCRYPT 0x0004
#define L2CAP_LM_TRUSTED 0x0008
#define L2CAP_LM_RELIABLE 0x0010
#define L2CAP_LM_SECURE 0x0020

/* SOL_HCI options, device and channels (hci.h). */
#define HCI_DATA_DIR 1
#define HCI_FILTER 2
#define HCI_TIME_STAMP 3
#define HCI_DEV_NONE 0xffff
#define HCI_CHANNEL_RAW 0
#define HCI_CHANNEL_USER 1
#define HCI_CHANNEL_MONITOR 2
#define HCI_CHANNEL_CONTROL 3
#define HCI_CHANNEL_LOGGING 4

/* A Bluetooth device address: 6 bytes, packed (no alignment of its own). */
typedef struct {
    uint8_t b[6];
} __attribute__((packed)) bdaddr_t;

/* The four socket addresses, as the kernel defines them (not packed). */
struct sockaddr_l2 {
    sa_family_t l2_family;
    unsigned short l2_psm;
    bdaddr_t l2_bdaddr;
    unsigned short l2_cid;
    uint8_t l2_bdaddr_type;
};

struct sockaddr_rc {
    sa_family_t rc_family;
    bdaddr_t rc_bdaddr;
    uint8_t rc_channel;
};

struct sockaddr_hci {
    sa_family_t hci_family;
    unsigned short hci_dev;
    unsigned short hci_channel;
};

struct sockaddr_sco {
    sa_family_t sco_family;
    bdaddr_t sco_bdaddr;
};

#endif /* GEN_BLUEZ_ABI_H */
