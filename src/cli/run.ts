// Runs the CLI straight from source (`node --import tsx src/cli/run.ts ...`); the published entry is bin/punchclock.js.
import { runCli } from './index.js';

process.exitCode = await runCli(process.argv);
