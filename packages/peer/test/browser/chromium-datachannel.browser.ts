/** The data-channel cells on Chromium (dcSCTP): data-channel-suite.ts. */
import { dataChannelSuite } from "./data-channel-suite.js";

dataChannelSuite("chromium");
