/** The JSEP cells (renegotiation, perfect negotiation, data-only, simple-peer) on Chromium: jsep-suite.ts. */
import { jsepSuite } from "./jsep-suite.js";

jsepSuite("chromium");
