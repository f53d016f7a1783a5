import {
  type CertificateFingerprint,
  type DtlsCertificate,
  DtlsEndpoint,
  type DtlsError,
  type DtlsVersion,
  type KeyExchangeGroup,
  keyingMaterialLength,
  SrtpContext,
  type SrtpProfileName,
  SrtpProtectionProfile,
  srtpProfileByCode,
} from "@tern/dtls-srtp";

export interface DtlsTransportOptions {
  readonly certificate: DtlsCertificate;
  readonly random: (n: number) => Uint8Array;
  /** DTLS-SRTP profiles in preference order (see MediaSessionOptions.srtpProfiles). */
  readonly srtpProfiles?: readonly number[];
  /** First DTLS retransmission; default 100 ms (ICE has proved the path; a loopback RTT is µs). */
  readonly dtlsInitialRetransmitMs?: number;
  /** SRTP replay window per SSRC (default 1024 for video-heavy sessions). */
  readonly replayWindowPackets?: number;
  readonly keyLog?: (line: string) => void;
  /** DTLS versions in preference order (default ["1.3", "1.2"]: 1.3 when the peer offers it). */
  readonly dtlsVersions?: readonly DtlsVersion[];
  /** Key exchange groups in preference order (default X25519MLKEM768, x25519, secp256r1, secp384r1). */
  readonly dtlsGroups?: readonly KeyExchangeGroup[];
}

/** webrtc-stats `tlsVersion`: the version's two bytes as four upper-case hex digits. */
const TLS_VERSION: Record<"DTLS 1.3" | "DTLS 1.2", string> = { "DTLS 1.3": "FEFC", "DTLS 1.2": "FEFD" };

export type DtlsTransportEvent =
  | {
      readonly kind: "connected";
      readonly cipherSuite: string;
      /** webrtc-stats tlsVersion ("FEFC" is DTLS 1.3, "FEFD" DTLS 1.2). */
      readonly tlsVersion: string;
      /** The key exchange group (IANA name, e.g. X25519MLKEM768). */
      readonly tlsGroup: string | undefined;
      /** The SRTP profile and keys (RFC 5764 §4.2), when the handshake negotiated use_srtp. */
      readonly srtp: { readonly profile: SrtpProfileName; readonly context: SrtpContext } | undefined;
      readonly remoteFingerprint: string | undefined;
    }
  | { readonly kind: "application-data"; readonly data: Uint8Array }
  | { readonly kind: "failed"; readonly error: DtlsError }
  | { readonly kind: "closed" };

export interface DtlsTransportCounters {
  dtlsQueued: number;
  dtlsQueueOverflow: number;
}

/** Where a DtlsTransport's output goes: datagrams in order with the owner's own, and events. */
export interface DtlsTransportSink {
  transmit(datagram: Uint8Array): void;
  event(now: number, e: DtlsTransportEvent): void;
}

const MAX_QUEUED_DTLS = 32;
const DEFAULT_PROFILES = [
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
  SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
];

/**
 * The DTLS side of one BUNDLE transport (RFC 5764, the W3C RTCDtlsTransport), sans-IO: the handshake in
 * the role a=setup gave us, checked against the peer's fingerprints; SRTP keys exported on connect;
 * application data (SCTP, RFC 8261) in and out.
 *
 * DTLS datagrams that arrive before `start` (the remote description can lag the peer's first flight) are
 * queued, not dropped: a dropped first ClientHello costs a full retransmission timeout.
 */
export class DtlsTransport {
  endpoint: DtlsEndpoint | undefined;
  /** webrtc-stats tlsVersion and the key exchange group, once connected. */
  tlsVersion: string | undefined;
  tlsGroup: string | undefined;
  private readonly queued: Uint8Array[] = [];
  private closed = false;

  constructor(
    private readonly o: DtlsTransportOptions,
    private readonly sink: DtlsTransportSink,
    /** Counted here; the owner may share its own counters object. */
    readonly counters: DtlsTransportCounters = { dtlsQueued: 0, dtlsQueueOverflow: 0 },
  ) {}

  /**
   * Starts the handshake in our role, checking the peer against its fingerprints. `srtpOptional`: no media
   * m= section was negotiated, so a peer that does not negotiate use_srtp does not fail it (SRTP is still
   * offered, for media added later).
   */
  start(
    now: number,
    role: "client" | "server",
    remoteFingerprints: readonly CertificateFingerprint[],
    srtpOptional = false,
  ): void {
    if (this.endpoint || this.closed) return;
    this.endpoint = new DtlsEndpoint({
      role,
      certificate: this.o.certificate,
      srtpProfiles: this.o.srtpProfiles ?? DEFAULT_PROFILES,
      srtpOptional,
      remoteFingerprints,
      requestClientCertificate: true,
      helloVerifyRequest: false,
      initialRetransmitMs: this.o.dtlsInitialRetransmitMs ?? 100,
      random: this.o.random,
      ...(this.o.keyLog ? { keyLog: this.o.keyLog } : {}),
      ...(this.o.dtlsVersions ? { versions: this.o.dtlsVersions } : {}),
      ...(this.o.dtlsGroups ? { namedGroups: this.o.dtlsGroups } : {}),
    });
    if (role === "client") this.endpoint.handleTimeout(now); // the ClientHello goes out now
    for (const d of this.queued.splice(0)) this.endpoint.handleDatagram(now, d);
    this.drain(now);
  }

  /** A DTLS datagram (first byte 20..63, RFC 7983). */
  handleDatagram(now: number, data: Uint8Array): void {
    if (this.closed) return;
    if (!this.endpoint) {
      if (this.queued.length >= MAX_QUEUED_DTLS) this.counters.dtlsQueueOverflow++;
      else {
        this.queued.push(data.slice());
        this.counters.dtlsQueued++;
      }
      return;
    }
    this.endpoint.handleDatagram(now, data);
    this.drain(now);
  }

  handleTimeout(now: number): void {
    const dtls = this.endpoint;
    if (!dtls || this.closed) return;
    const t = dtls.pollTimeout();
    if (t !== undefined && t <= now) {
      dtls.handleTimeout(now);
      this.drain(now);
    }
  }

  pollTimeout(): number | undefined {
    return this.closed ? undefined : this.endpoint?.pollTimeout();
  }

  /** One DTLS record of application data (an SCTP packet). Throws UsageError unless connected. */
  sendApplicationData(now: number, data: Uint8Array): void {
    const dtls = this.endpoint;
    if (!dtls) return;
    dtls.send(data);
    this.drain(now);
  }

  /** close_notify to the peer; nothing after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const dtls = this.endpoint;
    if (!dtls) return;
    dtls.close();
    for (let d = dtls.pollTransmit(); d; d = dtls.pollTransmit()) this.sink.transmit(d);
  }

  private drain(now: number): void {
    const dtls = this.endpoint;
    if (!dtls) return;
    for (let d = dtls.pollTransmit(); d; d = dtls.pollTransmit()) this.sink.transmit(d);
    for (let e = dtls.pollEvent(); e; e = dtls.pollEvent()) {
      if (e.kind === "connected") {
        const profile = e.srtpProfile === undefined ? undefined : srtpProfileByCode(e.srtpProfile);
        const srtp = profile
          ? {
              profile,
              context: SrtpContext.fromKeyingMaterial(
                profile,
                dtls.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, keyingMaterialLength(profile)),
                dtls.role,
                { replayWindowPackets: this.o.replayWindowPackets ?? 1024 },
              ),
            }
          : undefined;
        this.tlsVersion = TLS_VERSION[e.version];
        this.tlsGroup = e.group;
        this.sink.event(now, {
          kind: "connected",
          cipherSuite: e.cipherSuite,
          tlsVersion: TLS_VERSION[e.version],
          tlsGroup: e.group,
          srtp,
          remoteFingerprint: e.peerCertificate?.fingerprint,
        });
      } else if (e.kind === "application-data") {
        this.sink.event(now, { kind: "application-data", data: e.data });
      } else if (e.kind === "failed") {
        this.sink.event(now, { kind: "failed", error: e.error });
      } else {
        this.sink.event(now, { kind: "closed" });
      }
    }
  }
}
