/** Tern ↔ Firefox ESR launched with DTLS version and hybrid key exchange prefs: see dtls-version-suite.ts. */
import { firefoxDtlsSuite } from "./dtls-version-suite.js";

firefoxDtlsSuite();
