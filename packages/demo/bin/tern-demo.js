#!/usr/bin/env node
// The `tern-demo` command. A fixed file, present before the build, so package managers link it at install
// time; the program itself is the built cli.js (run `pnpm build` inside the repository).
import "../dist/cli.js";
