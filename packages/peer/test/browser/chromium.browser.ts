/** Tern ↔ headless Chromium (Debian's `chromium`, driven by playwright-core): see browser-suite.ts. */
import { browserSuite } from "./browser-suite.js";

browserSuite("chromium");
