#!/usr/bin/env node
// The CLI is TypeScript run through tsx, so user workflow files (.ts) load the same way.
import { register } from "tsx/esm/api";

// dflow-ts supports Node 20; the AWS SDK's notice that its 2027 releases will need Node 22 would
// otherwise end up in the stderr of every command that touches S3. (Library users still see it once.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("../src/cli/main.ts");
