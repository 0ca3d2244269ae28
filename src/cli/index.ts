#!/usr/bin/env node
/** The `tally` binary. The polyfill is imported before anything else (see polyfills.ts). */
import '../polyfills.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv);
