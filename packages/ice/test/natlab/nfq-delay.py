#!/usr/bin/env python3
"""nfq-delay.py - delay / jitter / loss for packets sent to an NFQUEUE.

This kernel has no sch_netem (`tc qdisc add ... netem` -> "Specified qdisc kind
is unknown"), so natlab.sh emulates it in userspace: an iptables rule sends the
packets to NFQUEUE <n>, this program holds each packet's verdict for the delay
and then accepts (or drops) it. Pure Python, raw netlink, no dependencies.

  ip netns exec tern-nat-a python3 nfq-delay.py --queue 1 --delay-ms 50 [--jitter-ms 5] [--loss 0.2] [--seconds 600]

Exits after --seconds (bounded); on exit the kernel drops the queue and the
rule's --queue-bypass lets packets through undelayed.

Source: the team's shared NAT lab (shared/natlab/nfq-delay.py, see shared/notes/natlab.md), which the
repository cannot read; copied unchanged but for this note and the namespace name in the usage line.
"""
import argparse, heapq, os, random, select, signal, socket, struct, sys, time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET, NFQNL_MSG_VERDICT, NFQNL_MSG_CONFIG = 0, 1, 2
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NFQA_CFG_CMD, NFQA_CFG_PARAMS = 1, 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NF_DROP, NF_ACCEPT = 0, 1


def nla(t, payload):
    ln = 4 + len(payload)
    return struct.pack("=HH", ln, t) + payload + b"\0" * ((4 - ln % 4) % 4)


def nlmsg(msg_type, flags, seq, family, res_id, attrs):
    body = struct.pack("=BBH", family, 0, socket.htons(res_id)) + attrs
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg_type, flags, seq, 0) + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--queue", type=int, default=1)
    ap.add_argument("--delay-ms", type=float, default=50.0)
    ap.add_argument("--jitter-ms", type=float, default=0.0)
    ap.add_argument("--loss", type=float, default=0.0, help="drop probability 0..1")
    ap.add_argument("--seconds", type=float, default=600.0)
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    s.bind((0, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    seq = 1
    # bind to the queue, copy metadata only (we never modify payloads)
    s.send(nlmsg(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, socket.AF_UNSPEC, a.queue,
                 nla(NFQA_CFG_CMD, struct.pack("=BBH", NFQNL_CFG_CMD_BIND, 0, socket.htons(socket.AF_INET)))))
    seq += 1
    s.send(nlmsg(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, socket.AF_UNSPEC, a.queue,
                 nla(NFQA_CFG_PARAMS, struct.pack("!IB", 0, NFQNL_COPY_META))))
    for _ in range(2):  # two ACKs
        data = s.recv(65536)
        ln, typ = struct.unpack_from("=IH", data)
        if typ == NLMSG_ERROR:
            err = struct.unpack_from("=i", data, 16)[0]
            if err != 0:
                sys.exit(f"nfqueue config failed: {os.strerror(-err)}")
    print(f"nfq-delay: queue {a.queue} delay {a.delay_ms}ms jitter {a.jitter_ms}ms loss {a.loss}", flush=True)

    pending = []  # heap of (release_time, seq, packet_id, verdict)
    stats = {"in": 0, "drop": 0}
    end = time.monotonic() + a.seconds
    try:
        loop(s, a, pending, stats, end)
    finally:
        print(f"nfq-delay: done, packets={stats['in']} dropped={stats['drop']} errors={stats.get('err', 0)}", flush=True)


def loop(s, a, pending, stats, end):
    n = 0
    while time.monotonic() < end:
        now = time.monotonic()
        while pending and pending[0][0] <= now:
            _, _, pid, verdict = heapq.heappop(pending)
            s.send(nlmsg(NFQNL_MSG_VERDICT, NLM_F_REQUEST, 0, socket.AF_UNSPEC, a.queue,
                         nla(NFQA_VERDICT_HDR, struct.pack("!II", verdict, pid))))
        timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else 0.5
        r, _, _ = select.select([s], [], [], timeout)
        if not r:
            continue
        data = s.recv(1 << 20)
        off = 0
        while off + 16 <= len(data):
            ln, typ, flags, _, _ = struct.unpack_from("=IHHII", data, off)
            if ln < 16:
                break
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, off + 16)[0]
                if err:
                    stats["err"] = stats.get("err", 0) + 1
                    if stats["err"] <= 3:
                        print(f"nfq-delay: netlink error {os.strerror(-err)}", file=sys.stderr, flush=True)
            elif typ == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
                aoff = off + 20
                while aoff + 4 <= off + ln:
                    alen, atype = struct.unpack_from("=HH", data, aoff)
                    if alen < 4:
                        break
                    if (atype & 0x7FFF) == NFQA_PACKET_HDR:
                        pid = struct.unpack_from("!I", data, aoff + 4)[0]
                        stats["in"] += 1
                        lost = random.random() < a.loss
                        stats["drop"] += lost
                        d = a.delay_ms + (random.uniform(-a.jitter_ms, a.jitter_ms) if a.jitter_ms else 0)
                        n += 1
                        heapq.heappush(pending, (time.monotonic() + max(0.0, d) / 1000.0, n, pid,
                                                 NF_DROP if lost else NF_ACCEPT))
                        break
                    aoff += (alen + 3) & ~3
            off += (ln + 3) & ~3


if __name__ == "__main__":
    main()
