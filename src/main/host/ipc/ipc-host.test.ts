import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../shared/ipc/contract';
import { EngineHost } from '../engine-host';
import { ManualScheduler, paperSession } from '../test-support';
import { handleInvoke, registerIpc } from './ipc-host';
import type { IpcMainLike } from './ipc-host';
import { isTrustedSender } from './sender';

const trusted = { rendererDir: '/opt/libra/resources/app.asar/.vite/renderer/main_window', devServerUrl: 'http://localhost:5173' };

describe('isTrustedSender', () => {
  it('trusts the packaged renderer files and the dev server only', () => {
    expect(isTrustedSender('file:///opt/libra/resources/app.asar/.vite/renderer/main_window/windows/main/main.html', trusted)).toBe(true);
    expect(isTrustedSender('http://localhost:5173/windows/chart/chart.html?x=1', trusted)).toBe(true);
    expect(isTrustedSender('file:///etc/passwd', trusted)).toBe(false);
    expect(isTrustedSender('file:///opt/libra/resources/app.asar/.vite/renderer/main_window/../../evil.html', trusted)).toBe(false);
    expect(isTrustedSender('https://evil.example/', trusted)).toBe(false);
    expect(isTrustedSender('http://localhost:5174/', trusted)).toBe(false);
    expect(isTrustedSender(undefined, trusted)).toBe(false);
    expect(isTrustedSender('file:///opt/libra/resources/app.asar/.vite/renderer/main_window/windows/main/main.html', { rendererDir: trusted.rendererDir })).toBe(true);
  });
});

describe('registerIpc', () => {
  it('registers one handler per contract channel, refuses untrusted frames and removes them all', async () => {
    const host = new EngineHost(await paperSession(), { scheduler: new ManualScheduler() });
    const handlers = new Map<string, (...args: unknown[]) => unknown>();
    const ipc = {
      handle: (channel: string, fn: (...args: unknown[]) => unknown) => void handlers.set(channel, fn),
      removeHandler: (channel: string) => void handlers.delete(channel),
    } as unknown as IpcMainLike;
    const off = registerIpc(ipc, host, trusted);
    expect([...handlers.keys()]).toEqual(CHANNELS.map((c) => c.channel));
    const denied = await handleInvoke(host, trusted, 'libra:alerts.list', { senderFrame: { url: 'https://evil.example/' } } as never, {});
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const allowed = await handleInvoke(host, trusted, 'libra:alerts.list', { senderFrame: { url: 'http://localhost:5173/windows/main/main.html' } } as never, {});
    expect(allowed).toEqual({ ok: true, value: [] });
    off();
    expect(handlers.size).toBe(0);
  });
});
