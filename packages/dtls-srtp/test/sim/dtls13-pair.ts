import type { DtlsCertificate } from "../../src/crypto/certificate.js";
import { certificateFingerprint } from "../../src/crypto/fingerprint.js";
import type { DtlsOptions } from "../../src/machine/dtls-options.js";
import { SrtpProtectionProfile } from "../../src/wire/extensions/use-srtp.js";
import { EndpointPair } from "./endpoint-pair.js";
import type { LinkOptions } from "./lossy-link.js";
import { SeededRandom } from "./seeded-random.js";

/**
 * A WebRTC-shaped pair (mutual auth with pinned fingerprints, use_srtp, no cookie) with seeded randomness:
 * `a` is the DTLS client, `b` the server; `over` changes both sides' options, `aOver`/`bOver` one side's.
 */
export function webrtcPair(
  certs: readonly [DtlsCertificate, DtlsCertificate],
  seed: number,
  link: LinkOptions,
  over: Partial<DtlsOptions> = {},
  aOver: Partial<DtlsOptions> = {},
  bOver: Partial<DtlsOptions> = {},
): EndpointPair {
  const [client, server] = certs;
  const rng = new SeededRandom(seed ^ 0x5eed);
  const common = {
    srtpProfiles: [
      SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
      SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    ],
    random: rng.bytes,
    initialRetransmitMs: 100,
    maxRetransmissions: 12,
    ...over,
  };
  return new EndpointPair(
    {
      ...common,
      role: "client",
      certificate: client,
      remoteFingerprints: [certificateFingerprint(server.chain[0] as Uint8Array)],
      ...aOver,
    },
    {
      ...common,
      role: "server",
      certificate: server,
      helloVerifyRequest: false,
      remoteFingerprints: [certificateFingerprint(client.chain[0] as Uint8Array)],
      ...bOver,
    },
    link,
  );
}
