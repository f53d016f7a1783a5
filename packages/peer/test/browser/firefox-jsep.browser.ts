/** The JSEP cells (renegotiation, perfect negotiation) on Firefox ESR: jsep-suite.ts. */
import { jsepSuite } from "./jsep-suite.js";

jsepSuite("firefox");
