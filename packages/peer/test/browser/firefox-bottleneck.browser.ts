import { bottleneckSuite } from "./bottleneck-suite.js";

bottleneckSuite("firefox");
