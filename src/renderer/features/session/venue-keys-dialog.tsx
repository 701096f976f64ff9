/**
 * "Venue keys…": the user enters a venue's API key, secret (and passphrase where the venue needs
 * one) in a window; main seals them in the OS keychain (app) or encrypts them into the key file
 * `libra serve --keys` runs with. Write-only: the window lists venue and key names with the API
 * key masked, and nothing can read a secret back. The secret lives only in this component's
 * local state while typed, is cleared once sent, and never enters the store.
 */
import { useCallback, useEffect, useState } from 'react';
import type { VenueKeysView } from '../../../shared/ipc/views';
import { useBridge } from '../../app/bridge-context';

const EMPTY = { venue: 'binance', id: '', environment: 'production' as 'production' | 'testnet', apiKey: '', secret: '', password: '' };

export function VenueKeysButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button onClick={() => setOpen(true)} data-testid="venue-keys-open">Venue keys…</button>
      {open ? <VenueKeysDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}

export function VenueKeysDialog({ onClose }: { onClose: () => void }) {
  const bridge = useBridge();
  const [view, setView] = useState<VenueKeysView | undefined>();
  const [form, setForm] = useState(EMPTY);
  const [message, setMessage] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const refresh = useCallback(async () => {
    const r = await bridge.keys.list({});
    if (r.ok) setView(r.value);
    else setMessage(`${r.error.code}: ${r.error.message}`);
  }, [bridge]);
  useEffect(() => void refresh(), [refresh]);

  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const save = async () => {
    setBusy(true);
    const { password, ...rest } = form;
    const r = await bridge.keys.put({ ...rest, ...(password !== '' ? { password } : {}) });
    setBusy(false);
    if (!r.ok) return setMessage(`${r.error.code}: ${r.error.message}`);
    // The secret is gone from the window once main has it.
    setForm((f) => ({ ...EMPTY, venue: f.venue, environment: f.environment }));
    setMessage(`Stored ${r.value.id} for ${r.value.venue} (${r.value.apiKey}) in the ${r.value.store}. A session reads it when it starts.`);
    await refresh();
  };

  return (
    <div className="modal-backdrop">
      <section className="panel modal" role="dialog" aria-modal="true" aria-label="Venue keys" data-testid="venue-keys-dialog">
        <h2>Venue keys</h2>
        {view && !view.writable ? (
          <p className="error" role="alert" data-testid="venue-keys-unavailable">{view.reason}</p>
        ) : (
          <form
            className="form-grid"
            autoComplete="off"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <label>Venue <input value={form.venue} onChange={set('venue')} placeholder="binance" /></label>
            <label>Key name <input value={form.id} onChange={set('id')} placeholder="binance-main" /></label>
            <label>
              Environment
              <select value={form.environment} onChange={set('environment')}>
                <option value="production">production</option>
                <option value="testnet">testnet</option>
              </select>
            </label>
            <label>API key <input value={form.apiKey} onChange={set('apiKey')} spellCheck={false} /></label>
            <label>Secret <input type="password" value={form.secret} onChange={set('secret')} /></label>
            <label>Passphrase (if the venue needs one) <input type="password" value={form.password} onChange={set('password')} /></label>
            <button type="submit" disabled={busy || view === undefined}>Save key</button>
          </form>
        )}
        {message ? <p role="status" data-testid="venue-keys-message">{message}</p> : null}
        <table data-testid="venue-keys-list">
          <thead>
            <tr><th>Venue</th><th>Key name</th><th>Environment</th><th>API key</th><th>Stored in</th></tr>
          </thead>
          <tbody>
            {(view?.keys ?? []).map((k) => (
              <tr key={k.id}><td>{k.venue}</td><td>{k.id}</td><td>{k.environment}</td><td>{k.apiKey}</td><td>{k.store}</td></tr>
            ))}
          </tbody>
        </table>
        <button onClick={onClose}>Close</button>
      </section>
    </div>
  );
}
