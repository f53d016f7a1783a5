import { readU16List, type TlsReader, TlsWriter } from "../presentation-language.js";

/**
 * RFC 8422 §5.1.1 / RFC 7919 §2 Supported Groups extension:
 *
 * ```
 * struct {
 *   NamedGroup named_group_list<2..2^16-1>;
 * } NamedGroupList;
 * ```
 */
export interface SupportedGroupsExtension {
  readonly type: "supported_groups";
  readonly groups: readonly number[];
}

export function readSupportedGroups(r: TlsReader): SupportedGroupsExtension {
  const groups = readU16List(r.subVec16());
  if (groups.length === 0) r.fail();
  return { type: "supported_groups", groups };
}

export function writeSupportedGroups(e: SupportedGroupsExtension): Uint8Array {
  return new TlsWriter().u16List16(e.groups).finish();
}
