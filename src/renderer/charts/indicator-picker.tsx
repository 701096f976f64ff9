/**
 * The indicator list of one chart: chips to remove, a list of presets to add, or any spec typed
 * in (`wma:30`, checked by the engine: an unknown one comes back as the chart's error).
 */
import { useState } from 'react';
import { INDICATOR_PRESETS, outputLabel } from './indicator-layout';

export function IndicatorPicker({ specs, onChange }: { specs: readonly string[]; onChange: (next: readonly string[]) => void }) {
  const [typed, setTyped] = useState('');
  const add = (spec: string): void => {
    const s = spec.trim().toLowerCase();
    if (s !== '' && !specs.includes(s)) onChange([...specs, s]);
  };
  return (
    <span className="indicator-picker" role="group" aria-label="Indicators">
      {specs.map((s) => (
        <span key={s} className="chip" data-testid="indicator-chip" data-spec={s}>
          {outputLabel(s)}
          <button type="button" className="small" aria-label={`Remove ${outputLabel(s)}`} onClick={() => onChange(specs.filter((x) => x !== s))}>×</button>
        </span>
      ))}
      <select aria-label="Add indicator" data-testid="add-indicator" value="" onChange={(e) => add(e.target.value)}>
        <option value="">+ Indicator</option>
        {INDICATOR_PRESETS.filter((p) => !specs.includes(p.spec)).map((p) => (
          <option key={p.spec} value={p.spec}>{p.label}</option>
        ))}
      </select>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          add(typed);
          setTyped('');
        }}
      >
        <input aria-label="Indicator spec" placeholder="wma:30…" size={7} value={typed} onChange={(e) => setTyped(e.target.value)} />
      </form>
    </span>
  );
}
