/**
 * RFC 7627 §5.1 extended_master_secret extension: "The extension_data field of this extension is empty."
 * A non-empty body fails the decode (the caller checks that the reader is at its end).
 */
export interface ExtendedMasterSecretExtension {
  readonly type: "extended_master_secret";
}

export const EXTENDED_MASTER_SECRET: ExtendedMasterSecretExtension = { type: "extended_master_secret" };
