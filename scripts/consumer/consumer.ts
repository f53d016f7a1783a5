/**
 * The consumer program of `pnpm test:consumer`: copied into a project outside the repository that installed
 * the packed tarballs, type-checked there under `strict` with `skipLibCheck: false`, then run with Node.
 * It imports every published entry point and uses a little of each; a subpath that is not published
 * (the workspace-only `@tern/ice/testing`) must be refused by Node.
 */

import { certificateFingerprint, generateCertificate } from "@tern/dtls-srtp";
import { type Candidate, formatCandidate, parseCandidate, startStunServer } from "@tern/ice";
import { LocalTrack, PeerConnection } from "@tern/peer";
import { decodeRtpPacket, encodeRtpPacket } from "@tern/rtp";
import { crc32c } from "@tern/sctp";
import { startSignalingServer } from "@tern/signaling";

const parsed = parseCandidate("candidate:1 1 udp 2130706431 127.0.0.1 9 typ host");
if (!parsed.ok) throw new Error("parseCandidate failed");
const candidate: Candidate = parsed.value;
if (!formatCandidate(candidate).includes("127.0.0.1")) throw new Error("formatCandidate lost the address");

const cert = await generateCertificate();
const fingerprint = certificateFingerprint(cert.chain[0] as Uint8Array, "sha-256");

const rtp = encodeRtpPacket({
  marker: true,
  payloadType: 96,
  sequenceNumber: 1,
  timestamp: 3000,
  ssrc: 0x1234,
  csrcs: [],
  extension: undefined,
  paddingLength: 0,
  payload: new Uint8Array([1, 2, 3]),
});
const back = decodeRtpPacket(rtp);
if (!back.ok || back.value.ssrc !== 0x1234) throw new Error("RTP round trip failed");

// RFC 3720 §B.4: 32 octets of zeros
if (crc32c(new Uint8Array(32)) !== 0x8a9136aa) throw new Error("crc32c is wrong");

const pc = new PeerConnection({ iceAddresses: ["127.0.0.1"] });
pc.addTrack(new LocalTrack("video"));
const offer = await pc.createOffer();
if (!offer.sdp.includes("m=video")) throw new Error("the offer has no video section");
await pc.close();

const stun = await startStunServer({ host: "127.0.0.1", port: 0 });
const signaling = await startSignalingServer({ port: 0 });
await Promise.all([stun.close(), signaling.close()]);

const unshipped = "@tern/ice/testing";
const refused = await import(unshipped).then(
  () => undefined,
  (err: unknown) => (err as { code?: string }).code,
);
if (refused !== "ERR_PACKAGE_PATH_NOT_EXPORTED")
  throw new Error(`${unshipped} should not be exported by the published package (got ${String(refused)})`);

console.log(`consumer ok: ${fingerprint.algorithm} fingerprint, ${offer.sdp.split("\r\n").length} SDP lines`);
