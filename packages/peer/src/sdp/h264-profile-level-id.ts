/**
 * H.264 `profile-level-id` (RFC 6184 §8.1): three bytes in hex, `profile_idc`, `profile-iop` (the
 * constraint_set flags) and `level_idc`. Two H.264 payload types are the same codec when their
 * packetization-mode and *profile* agree (RFC 6184 §8.2.2); the level is then negotiated (§8.2.2,
 * `level-asymmetry-allowed`). Profiles are recognised by the patterns libwebrtc uses
 * (h264_profile_level_id.cc), e.g. 42e01f → constrained baseline, level 3.1.
 */
export type H264Profile =
  | "constrained-baseline"
  | "baseline"
  | "main"
  | "constrained-high"
  | "high"
  | "predictive-high-444";

export interface H264ProfileLevelId {
  readonly profile: H264Profile;
  /** `level_idc` (10 = 1.0, 31 = 3.1); 0 stands for level 1b. */
  readonly level: number;
}

/** RFC 6184 §8.1: when `profile-level-id` is absent, 42000a (baseline, level 1.0). */
export const DEFAULT_PROFILE_LEVEL_ID = "42000a";

/** (profile_idc, bit pattern over profile-iop MSB first: x = any) → profile. Order matters. */
const PATTERNS: readonly (readonly [number, string, H264Profile])[] = [
  [0x42, "x1xx0000", "constrained-baseline"],
  [0x4d, "1xxx0000", "constrained-baseline"],
  [0x58, "11xx0000", "constrained-baseline"],
  [0x42, "x0xx0000", "baseline"],
  [0x58, "10xx0000", "baseline"],
  [0x4d, "0x0x0000", "main"],
  [0x64, "00000000", "high"],
  [0x64, "00001100", "constrained-high"],
  [0xf4, "00000000", "predictive-high-444"],
];

const LEVEL_1B = 0;
const CONSTRAINT_SET3 = 0x10;

function matches(pattern: string, iop: number): boolean {
  for (let bit = 0; bit < 8; bit++) {
    const want = pattern[bit];
    const has = (iop >> (7 - bit)) & 1;
    if (want === "1" && has !== 1) return false;
    if (want === "0" && has !== 0) return false;
  }
  return true;
}

/** Parses a profile-level-id (absent → the RFC default); undefined when malformed or unknown. */
export function parseH264ProfileLevelId(text: string | undefined): H264ProfileLevelId | undefined {
  const hex = text ?? DEFAULT_PROFILE_LEVEL_ID;
  if (!/^[0-9A-Fa-f]{6}$/.test(hex)) return undefined;
  const profileIdc = Number.parseInt(hex.slice(0, 2), 16);
  const iop = Number.parseInt(hex.slice(2, 4), 16);
  const levelIdc = Number.parseInt(hex.slice(4, 6), 16);
  const entry = PATTERNS.find(([idc, pattern]) => idc === profileIdc && matches(pattern, iop));
  if (entry === undefined) return undefined;
  const profile = entry[2];
  // Level 1b: level_idc 11 with constraint_set3 in the baseline/main profiles, or level_idc 9.
  const is1b =
    levelIdc === 9 ||
    (levelIdc === 11 &&
      (iop & CONSTRAINT_SET3) !== 0 &&
      (profile === "constrained-baseline" || profile === "baseline" || profile === "main"));
  return { profile, level: is1b ? LEVEL_1B : levelIdc };
}

/** Writes a profile-level-id for a profile and level (libwebrtc's canonical bytes per profile). */
export function formatH264ProfileLevelId(id: H264ProfileLevelId): string {
  let idc: number;
  let iop: number;
  switch (id.profile) {
    case "constrained-baseline":
      [idc, iop] = [0x42, 0xe0];
      break;
    case "baseline":
      [idc, iop] = [0x42, 0x00];
      break;
    case "main":
      [idc, iop] = [0x4d, 0x00];
      break;
    case "constrained-high":
      [idc, iop] = [0x64, 0x0c];
      break;
    case "high":
      [idc, iop] = [0x64, 0x00];
      break;
    case "predictive-high-444":
      [idc, iop] = [0xf4, 0x00];
      break;
  }
  let level = id.level;
  if (level === LEVEL_1B) {
    const lowProfile = idc === 0x42 || idc === 0x4d;
    level = lowProfile ? 11 : 9;
    if (lowProfile) iop |= CONSTRAINT_SET3;
  }
  return [idc, iop, level].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The level an answer carries (RFC 6184 §8.2.2): with `level-asymmetry-allowed=1` on both sides each
 * side states the level it can receive (ours); otherwise the lower of the two.
 */
export function answerH264Level(offered: number, local: number, asymmetryAllowed: boolean): number {
  return asymmetryAllowed ? local : Math.min(offered, local);
}
