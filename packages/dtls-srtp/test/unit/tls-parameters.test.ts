/**
 * Cross-checks the `as const` registries against the IANA tables (IANA "TLS Parameters": ContentType,
 * HandshakeType, Alerts, SupportedGroups, SignatureScheme, ExtensionType, Cipher Suites; IANA "DTLS-SRTP
 * Protection Profiles"), transcribed here row by row from the registries.
 */
import { describe, expect, it } from "vitest";
import { CipherSuite } from "../../src/wire/cipher-suite.js";
import { SrtpProtectionProfile, srtpKeyingMaterialLength } from "../../src/wire/extensions/use-srtp.js";
import {
  AlertDescription,
  ContentType,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  SignatureScheme,
} from "../../src/wire/tls-parameters.js";

const iana = {
  contentType: "20 change_cipher_spec|21 alert|22 handshake|23 application_data|26 ack",
  handshakeType:
    "0 hello_request|1 client_hello|2 server_hello|3 hello_verify_request|4 new_session_ticket|5 end_of_early_data|" +
    "8 encrypted_extensions|11 certificate|12 server_key_exchange|" +
    "13 certificate_request|14 server_hello_done|15 certificate_verify|16 client_key_exchange|20 finished|" +
    "24 key_update|254 message_hash",
  alert:
    "0 close_notify|10 unexpected_message|20 bad_record_mac|22 record_overflow|40 handshake_failure|42 bad_certificate|" +
    "43 unsupported_certificate|44 certificate_revoked|45 certificate_expired|46 certificate_unknown|47 illegal_parameter|" +
    "48 unknown_ca|49 access_denied|50 decode_error|51 decrypt_error|70 protocol_version|71 insufficient_security|" +
    "80 internal_error|86 inappropriate_fallback|90 user_canceled|100 no_renegotiation|109 missing_extension|" +
    "110 unsupported_extension|112 unrecognized_name|120 no_application_protocol",
  groups:
    "23 secp256r1|24 secp384r1|25 secp521r1|29 x25519|30 x448|256 ffdhe2048|257 ffdhe3072|4588 X25519MLKEM768",
  schemes:
    "0x0401 rsa_pkcs1_sha256|0x0501 rsa_pkcs1_sha384|0x0601 rsa_pkcs1_sha512|0x0403 ecdsa_secp256r1_sha256|" +
    "0x0503 ecdsa_secp384r1_sha384|0x0603 ecdsa_secp521r1_sha512|0x0804 rsa_pss_rsae_sha256|0x0805 rsa_pss_rsae_sha384|" +
    "0x0806 rsa_pss_rsae_sha512|0x0807 ed25519|0x0201 rsa_pkcs1_sha1|0x0203 ecdsa_sha1",
  extensions:
    "0 server_name|10 supported_groups|11 ec_point_formats|13 signature_algorithms|14 use_srtp|" +
    "16 application_layer_protocol_negotiation|23 extended_master_secret|41 pre_shared_key|42 early_data|" +
    "43 supported_versions|44 cookie|45 psk_key_exchange_modes|50 signature_algorithms_cert|51 key_share|65281 renegotiation_info",
  suites:
    "0xC02B TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256|0xC02C TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384|" +
    "0xC02F TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256|0xC030 TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384|" +
    "0xCCA8 TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256|0xCCA9 TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  srtp:
    "0x0001 SRTP_AES128_CM_HMAC_SHA1_80|0x0002 SRTP_AES128_CM_HMAC_SHA1_32|0x0005 SRTP_NULL_HMAC_SHA1_80|" +
    "0x0006 SRTP_NULL_HMAC_SHA1_32|0x0007 SRTP_AEAD_AES_128_GCM|0x0008 SRTP_AEAD_AES_256_GCM",
};

function table(rows: string): Record<string, number> {
  return Object.fromEntries(
    rows.split("|").map((r) => {
      const [v, name] = r.split(" ");
      return [name as string, Number(v)];
    }),
  );
}

describe("IANA registries", () => {
  it.each([
    ["ContentType", ContentType, iana.contentType],
    ["HandshakeType", HandshakeType, iana.handshakeType],
    ["AlertDescription", AlertDescription, iana.alert],
    ["NamedGroup", NamedGroup, iana.groups],
    ["SignatureScheme", SignatureScheme, iana.schemes],
    ["ExtensionType", ExtensionType, iana.extensions],
    ["CipherSuite", CipherSuite, iana.suites],
    ["SrtpProtectionProfile", SrtpProtectionProfile, iana.srtp],
  ] as const)("%s matches", (_, registry, rows) => {
    expect({ ...registry }).toEqual(table(rows));
  });

  it("DTLS-SRTP keying material lengths (RFC 5764 §4.2, RFC 7714 §12)", () => {
    expect(srtpKeyingMaterialLength(1)).toBe(60);
    expect(srtpKeyingMaterialLength(7)).toBe(56);
    expect(srtpKeyingMaterialLength(8)).toBe(88);
    expect(srtpKeyingMaterialLength(9)).toBeUndefined();
  });
});
