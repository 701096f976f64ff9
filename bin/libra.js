#!/usr/bin/env node
// Entry point of the `libra` command: registers tsx so the TypeScript sources (and users'
// strategy files) run without a build step, then hands over to src/main/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main/cli/main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
