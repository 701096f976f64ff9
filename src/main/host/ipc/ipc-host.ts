/**
 * The Electron side of the contract — the only ipcMain user. Every channel derived from the
 * contract gets one handler that checks the sender frame, then lets the EngineHost parse the
 * payload (zod) and answer a Result (invoke drops error details, so failures are values).
 * State streams to each window over its own MessagePort: the window gets a snapshot, then
 * coalesced batches; a `{t:'resync'}` on the port asks for a fresh snapshot.
 */
import type { IpcMain, IpcMainInvokeEvent, MessageChannelMain, WebContents } from 'electron';
import { CHANNELS, STATE_CHANNEL } from '../../../shared/ipc/contract';
import type { Result } from '../../../shared/ipc/result';
import { err, HostErrorCodes } from '../../../shared/ipc/result';
import type { EngineHost } from '../engine-host';
import type { TrustedOrigins } from './sender';
import { isTrustedSender } from './sender';

/** The slice of ipcMain used here (a fake in tests). */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

export function handleInvoke(host: EngineHost, trusted: TrustedOrigins, channel: string, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, payload: unknown): Promise<Result<unknown>> {
  const url = event.senderFrame?.url;
  if (!isTrustedSender(url, trusted)) {
    return Promise.resolve(err(HostErrorCodes.forbidden, `IPC from an untrusted frame (${url ?? 'none'}) refused`));
  }
  return host.call(channel, payload);
}

/** Registers every contract channel; returns the function that removes them. */
export function registerIpc(ipcMain: IpcMainLike, host: EngineHost, trusted: TrustedOrigins): () => void {
  for (const { channel } of CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => handleInvoke(host, trusted, channel, event, payload));
  }
  return () => {
    for (const { channel } of CHANNELS) ipcMain.removeHandler(channel);
  };
}

/**
 * Gives one window its state port (call on every `did-finish-load`, so a reload gets a fresh
 * stream and snapshot). `createChannel` is `() => new MessageChannelMain()`.
 */
export function attachStatePort(host: EngineHost, contents: WebContents, createChannel: () => MessageChannelMain): () => void {
  const { port1, port2 } = createChannel();
  const client = host.connect((msg) => port1.postMessage(msg));
  port1.on('message', (e) => {
    const data = e.data as { t?: unknown } | null;
    if (data && data.t === 'resync') client.resync();
  });
  port1.start();
  contents.postMessage(STATE_CHANNEL, null, [port2]);
  const close = (): void => {
    client.close();
    port1.close();
  };
  contents.once('destroyed', close);
  contents.once('did-start-navigation', close);
  return close;
}
