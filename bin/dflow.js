#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so user workflow files (.ts) load the same way.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
