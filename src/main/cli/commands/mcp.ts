/**
 * `libra mcp [--config FILE] [--http PORT] [--token-file F] [--enable-orders] [--data-dir DIR] [--keys FILE]`
 * — serves LIBRA's tools over the Model Context Protocol. stdio by default (stdout carries the
 * protocol, every log line goes to stderr); `--http PORT` serves streamable HTTP on 127.0.0.1 at
 * /mcp with a bearer token (from --token-file, else generated and printed to stderr).
 * Read-only unless --enable-orders; order proposals then wait for `libra agents approve ID`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Kernel, RunSession } from '../../kernel';
import { UsageError, bool, num, parseFlags, str } from '../args';

export const MCP_FLAGS = {
  config: { type: 'string', description: 'a session JSON (as libra run takes): its market, positions and orders become tools' },
  http: { type: 'number', description: 'serve streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio (0 = any free port)' },
  'token-file': { type: 'string', description: 'HTTP: file holding the bearer token (default: a new token, printed to stderr)' },
  'enable-orders': { type: 'boolean', description: 'offer propose_order / cancel_order (proposals still wait for a person, then the risk gate)' },
  'data-dir': { type: 'string', description: 'data folder (store, approvals, audit)' },
  keys: { type: 'string', description: 'encrypted key file for live venues (passphrase from LIBRA_KEY_PASSPHRASE)' },
  help: { type: 'boolean', description: 'show this help' },
} as const;

export async function run(argv: string[], kernel: Kernel): Promise<void> {
  const flags = parseFlags(argv, MCP_FLAGS, 'mcp');
  if (flags['help'] === true) {
    process.stdout.write('usage: libra mcp [--config FILE] [--http PORT] [--token-file F] [--enable-orders] [--data-dir DIR] [--keys FILE]\n');
    return;
  }
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const port = num(flags, 'http');
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`libra mcp: --http must be a port 0-65535, got ${port}`);
  let token: string | undefined;
  const tokenFile = str(flags, 'token-file');
  if (tokenFile !== undefined) {
    if (port === undefined) throw new UsageError('libra mcp: --token-file needs --http PORT');
    if (!existsSync(tokenFile)) throw new UsageError(`libra mcp: --token-file ${tokenFile} does not exist`);
    token = readFileSync(tokenFile, 'utf8').trim();
    if (token.length < 16) throw new UsageError(`libra mcp: the token in ${tokenFile} is shorter than 16 characters`);
  }
  const dataDir = str(flags, 'data-dir');
  const configFile = str(flags, 'config');
  let session: RunSession | undefined;
  let currency: string | undefined;
  if (configFile !== undefined) {
    const config = kernel.loadRunConfig(configFile);
    currency = config.accountCurrency;
    const keysFile = str(flags, 'keys');
    session = await kernel.startRun({ config, ...(dataDir ? { dataDir } : {}), ...(keysFile ? { keysFile } : {}), print: log });
  }
  const running = await kernel.serveMcp({ transport: port === undefined ? 'stdio' : { port, token }, session, ...(currency ? { currency } : {}), enableOrders: bool(flags, 'enable-orders'), dataDir, log });
  if (running.url) log(`MCP on ${running.url}${tokenFile ? ` (token from ${tokenFile})` : ` token ${running.token ?? ''}`}${bool(flags, 'enable-orders') ? ' — order tools enabled (proposals wait for approval)' : ' — read-only'}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
    if (port === undefined) process.stdin.once('end', resolve);
  });
  await running.close();
  await session?.stop();
}
