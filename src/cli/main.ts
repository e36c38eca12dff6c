#!/usr/bin/env node
import { runCli } from './program.js';

const code = await runCli(process.argv);
process.stdout.write('', () => process.exit(code));
