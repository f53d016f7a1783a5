#!/usr/bin/env node
// The `tern-stun-server` command. A fixed file, present before the build, so package managers link it at install
// time; the program itself is the built bin/stun-server.js (run `pnpm build` inside the repository).
import "../dist/bin/stun-server.js";
