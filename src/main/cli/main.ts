/**
 * The `libra` command. Every command starts the engine through the kernel; errors a user can
 * fix (bad flags, bad files, bad parameters) print one clear line and exit with code 2.
 */
import type { Kernel } from '../kernel';
import { UsageError } from './args';
import { BACKTEST_FLAGS, backtestCommand } from './commands/backtest';
import { INDICATOR_FLAGS, indicatorsCommand } from './commands/indicators';
import { usage } from './args';

const HELP = `libra — a trading workstation for algorithmic crypto traders

usage: libra <command> [flags]

commands:
  backtest     run a strategy over a data file or the store; print, JSON and HTML reports
  indicators   compute indicators over a bar file into CSV
  optimize     search strategy parameters over a grid (walk-forward, Monte Carlo)
  check-lookahead  find strategy decisions that change when future bars are removed
  import       import a data file into the store
  data         list what the store holds
  query        point-in-time (ASOF) queries against the store
  serve        run the engine headless and serve the UI over WebSocket
  run          run configured strategies headless against configured venues
  keys         add or list API keys in the encrypted key file (for run)
  agents       LLM agents: approve or reject proposals, read the audit log, kill switch
  mcp          serve LIBRA's tools over the Model Context Protocol (stdio or HTTP)
  risk         show or lift the latched trading halt (kill switch, tripped limits) of a data folder
  cluster      the nodes of a Redis cluster: roles, state, last beat, lag

libra <command> --help shows the flags of a command.`;

type Command = (argv: string[], kernel: Kernel) => Promise<unknown>;

async function loadExtra(name: string): Promise<Command | undefined> {
  try {
    // With the extension, so the built CLI (scripts/build-cli.js) bundles every command module.
    const mod = (await import(`./commands/${name}.ts`)) as { run?: Command };
    return mod.run;
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Module not found in bundle/.test(String(error))) return undefined;
    throw error;
  }
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const io = { out: process.stdout, err: process.stderr, cwd: process.cwd() };
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out.write(`${HELP}\n`);
    return command === undefined ? 2 : 0;
  }
  const dataDirFlag = rest.findIndex((a) => a === '--data-dir' || a.startsWith('--data-dir='));
  const dataDir = dataDirFlag < 0 ? undefined : rest[dataDirFlag]?.includes('=') ? rest[dataDirFlag]?.split('=')[1] : rest[dataDirFlag + 1];
  const { Kernel } = await import('../kernel'); // lazy: `libra --help` loads no engine
  const kernel = new Kernel(dataDir ? { dataDir } : {});
  try {
    if (rest.includes('--help')) {
      if (command === 'backtest') io.out.write(`${usage('backtest', 'run a strategy over historical data', BACKTEST_FLAGS)}\n`);
      else if (command === 'indicators') io.out.write(`${usage('indicators', 'compute indicators into CSV', INDICATOR_FLAGS)}\n`);
      else {
        const extra = await loadExtra(command);
        if (extra) await extra(['--help'], kernel);
        else io.out.write(`${HELP}\n`);
      }
      return 0;
    }
    switch (command) {
      case 'backtest':
        await backtestCommand(rest, kernel, io);
        return 0;
      case 'indicators':
        await indicatorsCommand(rest, kernel, io);
        return 0;
      default: {
        const extra = await loadExtra(command);
        if (!extra) throw new UsageError(`unknown command "${command}" (try libra --help)`);
        // A command may answer with its exit code (check-lookahead: 1 when it finds look-ahead).
        const code = await extra(rest, kernel);
        return typeof code === 'number' ? code : 0;
      }
    }
  } catch (error) {
    if (error instanceof Error && isUserError(error)) {
      io.err.write(`libra ${command}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Errors caused by input the user can fix: shown as one line, no stack. */
function isUserError(error: Error): boolean {
  return ['UsageError', 'ImportError', 'ParamError', 'StrategyLoadError', 'InstrumentError', 'FixedPointError', 'StoreVersionError', 'StoreInputError', 'StoreQueryError', 'OptimizeInputError', 'ConfigError', 'SecretError', 'RangeError', 'ApprovalError', 'AgentError', 'ModelError'].includes(error.name);
}
