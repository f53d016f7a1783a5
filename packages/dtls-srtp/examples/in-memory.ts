/**
 * A DTLS-SRTP handshake between two sans-IO endpoints over an in-memory "link", then SRTP both ways.
 * Run: `node --conditions=tern-source --import tsx packages/dtls-srtp/examples/in-memory.ts` from the repo root.
 */
import {
  certificateFingerprint,
  DtlsEndpoint,
  type DtlsEvent,
  generateCertificate,
  keyingMaterialLength,
  SrtpContext,
  SrtpProtectionProfile,
  srtpProfileByCode,
} from "@tern/dtls-srtp";

const [clientCert, serverCert] = await Promise.all([generateCertificate(), generateCertificate()]);
const profiles = [
  SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
];
const client = new DtlsEndpoint({
  role: "client",
  certificate: clientCert,
  srtpProfiles: profiles,
  remoteFingerprints: [certificateFingerprint(serverCert.chain[0] as Uint8Array, "sha-256")],
});
const server = new DtlsEndpoint({
  role: "server",
  certificate: serverCert,
  srtpProfiles: profiles,
  remoteFingerprints: [certificateFingerprint(clientCert.chain[0] as Uint8Array, "sha-256")],
  helloVerifyRequest: false, // WebRTC: ICE already proved the path
});

// Drive both: deliver every datagram to the other side, fire timers, until both are connected.
let now = 0;
const connected = new Map<DtlsEndpoint, Extract<DtlsEvent, { kind: "connected" }>>();
for (let step = 0; step < 100 && connected.size < 2; step++) {
  for (const [from, to] of [
    [client, server],
    [server, client],
  ] as const) {
    for (let d = from.pollTransmit(); d; d = from.pollTransmit()) to.handleDatagram(now, d);
  }
  for (const ep of [client, server]) {
    for (let e = ep.pollEvent(); e; e = ep.pollEvent()) if (e.kind === "connected") connected.set(ep, e);
    const t = ep.pollTimeout();
    if (t !== undefined && t <= now) ep.handleTimeout(now);
  }
  now += 1;
}
const info = connected.get(client);
if (!info || info.srtpProfile === undefined) throw new Error("handshake did not complete");
const profile = srtpProfileByCode(info.srtpProfile);
if (!profile) throw new Error(`unknown SRTP profile ${info.srtpProfile}`);
console.log(`connected: ${info.cipherSuite}, SRTP ${profile}`);

// RFC 5764 §4.2: both sides export the same keying material and split it by role.
const length = keyingMaterialLength(profile);
const clientSrtp = SrtpContext.fromKeyingMaterial(
  profile,
  client.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, length),
  "client",
);
const serverSrtp = SrtpContext.fromKeyingMaterial(
  profile,
  server.exportKeyingMaterial("EXTRACTOR-dtls_srtp", undefined, length),
  "server",
);

const rtp = Uint8Array.from([
  0x80,
  96,
  0,
  1,
  0,
  0,
  0,
  160,
  0x11,
  0x22,
  0x33,
  0x44,
  ...new TextEncoder().encode("hello"),
]);
const protectedPacket = clientSrtp.protect(rtp);
const back = serverSrtp.unprotect(protectedPacket);
if (!back.ok) throw new Error(`unprotect failed: ${back.error.code}`);
console.log(
  `SRTP: ${rtp.length} B RTP -> ${protectedPacket.length} B SRTP -> "${new TextDecoder().decode(back.value.subarray(12))}"`,
);
