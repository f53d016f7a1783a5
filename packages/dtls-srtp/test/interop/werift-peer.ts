/** werift's DTLS client/server (npm `werift`, a devDependency) over a node:dgram socket on 127.0.0.1. */
import { createSocket, type Socket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { CipherContext, DtlsClient, DtlsServer } from "werift";

/** werift's SignatureHash for ecdsa_secp256r1_sha256 (hash sha256 = 4, signature ecdsa = 3). */
const ECDSA_SHA256 = { hash: 4, signature: 3 } as const;
const SECP256R1 = 23;

export async function weriftCertificate(): Promise<{ certPem: string; keyPem: string }> {
  const { certPem, keyPem } = await CipherContext.createSelfSignedCertificateWithKey(ECDSA_SHA256, SECP256R1);
  return { certPem, keyPem };
}

/** The werift `Transport` shape, over one UDP socket talking to one remote port. */
export async function weriftTransport(remotePort: number | undefined) {
  const sock: Socket = createSocket("udp4");
  await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
  let remote = remotePort;
  const transport = {
    type: "udp",
    address: sock.address() as AddressInfo,
    closed: false,
    onData: (_data: Buffer, _addr: readonly [string, number]) => {},
    send: async (data: Buffer) => {
      if (remote !== undefined && !transport.closed) sock.send(data, remote, "127.0.0.1");
    },
    close: async () => {
      if (transport.closed) return;
      transport.closed = true;
      sock.close();
    },
  };
  sock.on("message", (m, r) => {
    remote ??= r.port;
    transport.onData(m, [r.address, r.port]);
  });
  return transport;
}

export type WeriftTransport = Awaited<ReturnType<typeof weriftTransport>>;

export function weriftServer(
  transport: WeriftTransport,
  cert: { certPem: string; keyPem: string },
  profiles: number[],
) {
  return new DtlsServer({
    transport,
    cert: cert.certPem,
    key: cert.keyPem,
    signatureHash: ECDSA_SHA256,
    srtpProfiles: profiles as never[],
    certificateRequest: true,
    extendedMasterSecret: true,
  });
}

export function weriftClient(
  transport: WeriftTransport,
  cert: { certPem: string; keyPem: string },
  profiles: number[],
  extendedMasterSecret = true,
) {
  return new DtlsClient({
    transport,
    cert: cert.certPem,
    key: cert.keyPem,
    signatureHash: ECDSA_SHA256,
    srtpProfiles: profiles as never[],
    extendedMasterSecret,
  });
}
