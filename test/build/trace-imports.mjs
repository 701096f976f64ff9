// Loaded with `node --import ./test/build/trace-imports.mjs`: registers a module resolve hook
// that appends every resolved module URL (one a line) to the file named by LIBRA_TRACE_IMPORTS.
// Used by the build tests and bench/cli-start.bench.ts to see which packages a command loads.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
const file = process.env.LIBRA_TRACE_IMPORTS;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (file) appendFileSync(file, result.url + '\\n');
  return result;
}`)}`,
);
