/** The JS (main) thread's own CPU ms, from /proc (clock ticks of 10 ms); native worker threads excluded. */
import { readFileSync } from 'node:fs';

export function mainThreadCpuMs(): number {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * 10;
}
