/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The frame xmsg-bridge puts on a TIPC socket: a 24-byte header in network
 * byte order, then the message body (the bytes of the pool block, sent
 * straight from the pool mapping and received straight into a block).
 *
 *	magic	u16	0x5842 ("XB")
 *	version	u8	1; a frame of another version is dropped (counted)
 *	kind	u8	XB_DATA, XB_REQ, XB_REPLY, XB_ACK, XB_BCAST
 *	prio	u8	0..31, the priority the message was sent with
 *	flags	u8	0
 *	hdr_len	u16	24 (the body starts there)
 *	length	u32	body bytes; must equal the frame length - hdr_len
 *	id	u32	XB_REQ/XB_REPLY: the request's id at the sending
 *			bridge (its reply route); else 0
 *	aux	u64	XB_ACK, XB_REPLY: frames the exporting bridge has
 *			handled (delivered or dropped) on this connection so
 *			far; XB_BCAST: the broadcast generation; else 0
 */
#ifndef XB_WIRE_H
#define XB_WIRE_H

#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <string.h>

#define XB_MAGIC	0x5842
#define XB_VERSION	1

enum xb_kind {
	XB_DATA = 1,	/* a message to the exchange behind the service */
	XB_REQ,		/* the same, with a reply route (id) */
	XB_REPLY,	/* the answer to request id, back on its connection */
	XB_ACK,		/* frames delivered so far (aux) */
	XB_BCAST,	/* a broadcast post of generation aux */
};

struct xb_hdr {
	uint16_t magic;
	uint8_t version;
	uint8_t kind;
	uint8_t prio;
	uint8_t flags;
	uint16_t hdr_len;
	uint32_t length;
	uint32_t id;
	uint64_t aux;
} __attribute__((packed));

#define XB_HDR_LEN	((unsigned int)sizeof(struct xb_hdr))
/* TIPC's largest message (TIPC_MAX_USER_MSG_SIZE) less our header. */
#define XB_BODY_MAX	(66000U - XB_HDR_LEN)

static inline void xb_hdr_set(struct xb_hdr *h, unsigned int kind,
			      unsigned int prio, uint32_t length, uint32_t id,
			      uint64_t aux)
{
	h->magic = htons(XB_MAGIC);
	h->version = XB_VERSION;
	h->kind = kind;
	h->prio = prio;
	h->flags = 0;
	h->hdr_len = htons(XB_HDR_LEN);
	h->length = htonl(length);
	h->id = htonl(id);
	h->aux = htobe64(aux);
}

/*
 * Check a received frame of @n bytes: 0 and the header in host order in
 * *@out, or -1 if it is malformed (short, wrong magic, version, header
 * length, kind, priority, flags, or a length that is not the rest).
 */
static inline int xb_hdr_get(const struct xb_hdr *h, size_t n,
			     struct xb_hdr *out)
{
	if (n < XB_HDR_LEN || ntohs(h->magic) != XB_MAGIC ||
	    h->version != XB_VERSION || ntohs(h->hdr_len) != XB_HDR_LEN ||
	    h->kind < XB_DATA || h->kind > XB_BCAST || h->prio > 31 ||
	    h->flags || ntohl(h->length) != n - XB_HDR_LEN)
		return -1;
	memcpy(out, h, sizeof(*out));
	out->hdr_len = XB_HDR_LEN;
	out->length = ntohl(h->length);
	out->id = ntohl(h->id);
	out->aux = be64toh(h->aux);
	return 0;
}

#endif /* XB_WIRE_H */
