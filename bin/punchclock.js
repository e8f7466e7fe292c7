#!/usr/bin/env node
// Entry for `npx punchclock`: the compiled CLI (built by `npm ci` through the prepare script).
import { runCli } from '../dist/cli/index.js';

process.exitCode = await runCli(process.argv);
