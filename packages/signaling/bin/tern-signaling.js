#!/usr/bin/env node
// The `tern-signaling` command. A fixed file, present before the build, so package managers link it at install
// time; the program itself is the built bin/signaling-server.js (run `pnpm build` inside the repository).
import "../dist/bin/signaling-server.js";
