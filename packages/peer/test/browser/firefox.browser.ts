/** Tern ↔ headless Firefox ESR (Debian's `firefox-esr`, driven by puppeteer-core over WebDriver BiDi). */
import { browserSuite } from "./browser-suite.js";

browserSuite("firefox");
