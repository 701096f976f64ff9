/**
 * The session in the top bar: its name, whether it records market data, and one badge per
 * venue with its connection state (CONNECTED / RECONNECTING / RECONCILING / HALTED) and reason.
 */
import { useAppSelector } from '../../app/hooks';
import { selectSession, selectVenues } from './session-slice';

export function VenueBadges() {
  const session = useAppSelector(selectSession);
  const venues = useAppSelector(selectVenues);
  return (
    <span className="venues" data-testid="session">
      <span className="muted" data-testid="session-label">{session.label}</span>
      {session.recording ? <span className="badge recording" data-testid="recording" title="market data is recorded into the store (libra data lists it)">REC</span> : null}
      {venues.map((v) => (
        <span
          key={v.venue}
          className={`badge venue venue-${v.state.toLowerCase()}`}
          data-testid={`venue-${v.venue}`}
          role="status"
          aria-label={`${v.venue} ${v.state}${v.reason ? `: ${v.reason}` : ''}`}
          title={v.reason ?? `${v.venue} (${v.mode})`}
        >
          {v.venue} {v.mode} {v.state}{v.reason ? ` — ${v.reason}` : ''}
        </span>
      ))}
    </span>
  );
}
