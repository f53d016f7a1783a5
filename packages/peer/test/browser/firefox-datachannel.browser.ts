/** The data-channel cells on Firefox ESR (usrsctp, I-DATA): data-channel-suite.ts. */
import { dataChannelSuite } from "./data-channel-suite.js";

dataChannelSuite("firefox");
