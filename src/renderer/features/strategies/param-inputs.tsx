/** Inputs rendered from a strategy's `params` spec (values stay strings; the host validates). */
import type { ParamSpecView } from '../../../shared/ipc/views';

export interface ParamInputsProps {
  readonly specs: readonly ParamSpecView[];
  readonly values: Readonly<Record<string, string>>;
  readonly onChange: (values: Record<string, string>) => void;
  readonly testIdPrefix: string;
}

export function ParamInputs({ specs, values, onChange, testIdPrefix }: ParamInputsProps) {
  return (
    <>
      {specs.map((p) => {
        const set = (v: string) => onChange({ ...values, [p.name]: v });
        const title = [p.description, p.min !== null ? `≥ ${p.min}` : null, p.max !== null ? `≤ ${p.max}` : null].filter(Boolean).join(' · ');
        return (
          <label key={p.name} title={title}>
            <span>{p.name} <span className="muted">({p.type})</span></span>
            {p.type === 'boolean' ? (
              <select value={values[p.name] ?? String(p.default)} onChange={(e) => set(e.target.value)} data-testid={`${testIdPrefix}-${p.name}`}>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                value={values[p.name] ?? String(p.default)}
                onChange={(e) => set(e.target.value)}
                inputMode={p.type === 'string' ? 'text' : 'decimal'}
                data-testid={`${testIdPrefix}-${p.name}`}
              />
            )}
          </label>
        );
      })}
    </>
  );
}
