"""Hold every packet a host sends for a fixed time: network latency between "hosts".

`tc netem` is what one would use, but this kernel is built without it
(`CONFIG_NET_SCH_NETEM` is not set). Netfilter's queue is built in, so an iptables rule in the
host's namespace sends its outgoing packets here (`NFQUEUE`), and this loop gives each one its
ACCEPT verdict `delay` after it was queued, in arrival order (one batch verdict accepts every
queued packet up to an id). It speaks nfnetlink_queue directly (linux/netfilter/nfnetlink_queue.h),
so it needs no C library: `python -m cluster.delay --ms 2` inside the namespace.
"""

from __future__ import annotations

import argparse
import select
import signal
import socket
import struct
import sys
import time
from collections import deque

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
MSG_PACKET, MSG_VERDICT, MSG_CONFIG, MSG_VERDICT_BATCH = 0, 1, 2, 3
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLMSG_ERROR = 2
CFG_CMD, CFG_PARAMS, CFG_QUEUE_MAXLEN = 1, 2, 3
CMD_BIND = 1
COPY_META = 1
PACKET_HDR = 1
VERDICT_HDR = 2
NF_ACCEPT = 1
QUEUE_MAXLEN = 8192
RECEIVE_BUFFER = 8 * 1024 * 1024

_HEADER = struct.Struct("=IHHII")  # nlmsghdr: length, type, flags, sequence, port id
_ATTRIBUTE = struct.Struct("=HH")  # nlattr: length, type


def _attribute(kind: int, payload: bytes) -> bytes:
    """One netlink attribute, padded to 4 bytes."""
    length = _ATTRIBUTE.size + len(payload)
    return _ATTRIBUTE.pack(length, kind) + payload + b"\0" * (-length % 4)


def _message(kind: int, queue: int, attributes: bytes, *, sequence: int, ack: bool) -> bytes:
    """A queue subsystem message: nlmsghdr, nfgenmsg (AF_UNSPEC, version 0, queue), attributes."""
    body = struct.pack("!BBH", socket.AF_UNSPEC, 0, queue) + attributes
    flags = NLM_F_REQUEST | (NLM_F_ACK if ack else 0)
    kind = (NFNL_SUBSYS_QUEUE << 8) | kind
    return _HEADER.pack(_HEADER.size + len(body), kind, flags, sequence, 0) + body


class DelayQueue:
    """One bound netfilter queue whose packets leave `delay_s` after they arrived."""

    def __init__(self, queue: int, delay_s: float) -> None:
        self.queue = queue
        self.delay_s = delay_s
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.sock.bind((0, 0))
        self.waiting: deque[tuple[float, int]] = deque()
        self.sequence = 0

    def bind(self) -> None:
        """Bind the queue and ask for packet metadata only (the verdict needs nothing else)."""
        self._configure(_attribute(CFG_CMD, struct.pack("!BxH", CMD_BIND, 0)))
        self._configure(_attribute(CFG_PARAMS, struct.pack("!IB", 0, COPY_META)))
        self._configure(_attribute(CFG_QUEUE_MAXLEN, struct.pack("!I", QUEUE_MAXLEN)))

    def _configure(self, attributes: bytes) -> None:
        self.sequence += 1
        message = _message(MSG_CONFIG, self.queue, attributes, sequence=self.sequence, ack=True)
        self.sock.send(message)
        reply = self.sock.recv(65536)
        _, kind, _, _, _ = _HEADER.unpack_from(reply)
        (error,) = struct.unpack_from("=i", reply, _HEADER.size)
        if kind != NLMSG_ERROR or error != 0:
            raise OSError(-error, f"nfnetlink_queue refused the configuration: {error}")

    def serve(self) -> None:
        """Queue arriving packets and release each when its time comes, until stopped."""
        while True:
            timeout = max(0.0, self.waiting[0][0] - time.monotonic()) if self.waiting else None
            readable, _, _ = select.select([self.sock], [], [], timeout)
            if readable:
                self._receive()
            self._release(time.monotonic())

    def _receive(self) -> None:
        """Read every packet message waiting on the socket."""
        while True:
            try:
                data = self.sock.recv(262144, socket.MSG_DONTWAIT)
            except BlockingIOError:
                return
            arrived = time.monotonic()
            offset = 0
            while offset + _HEADER.size <= len(data):
                length, kind, _, _, _ = _HEADER.unpack_from(data, offset)
                if kind == (NFNL_SUBSYS_QUEUE << 8) | MSG_PACKET:
                    packet_id = self._packet_id(data[offset + _HEADER.size + 4 : offset + length])
                    self.waiting.append((arrived + self.delay_s, packet_id))
                offset += (length + 3) & ~3

    @staticmethod
    def _packet_id(attributes: bytes) -> int:
        """The id in a packet message's NFQA_PACKET_HDR attribute."""
        offset = 0
        while offset + _ATTRIBUTE.size <= len(attributes):
            length, kind = _ATTRIBUTE.unpack_from(attributes, offset)
            if kind & 0x7FFF == PACKET_HDR:
                (packet_id,) = struct.unpack_from("!I", attributes, offset + _ATTRIBUTE.size)
                return int(packet_id)
            offset += (length + 3) & ~3
        raise ValueError("a queued packet without NFQA_PACKET_HDR")

    def _release(self, now: float) -> None:
        """Accept, in one batch verdict, every packet whose delay has passed."""
        last = None
        while self.waiting and self.waiting[0][0] <= now:
            last = self.waiting.popleft()[1]
        if last is None:
            return
        verdict = _attribute(VERDICT_HDR, struct.pack("!II", NF_ACCEPT, last))
        self.sequence += 1
        self.sock.send(
            _message(MSG_VERDICT_BATCH, self.queue, verdict, sequence=self.sequence, ack=False)
        )


def main() -> int:
    """Run one delay queue until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queue", type=int, default=0, help="the NFQUEUE number (0)")
    parser.add_argument("--ms", type=float, required=True, help="the delay in milliseconds")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    queue = DelayQueue(args.queue, args.ms / 1000)
    queue.bind()
    print(f"delaying queue {args.queue} by {args.ms} ms", flush=True)
    queue.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
