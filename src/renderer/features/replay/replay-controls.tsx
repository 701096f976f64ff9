import { fmtTime } from '../../app/format';
import { useAppSelector } from '../../app/hooks';
import { useBridge } from '../../app/bridge-context';
import { selectReplay } from './replay-slice';

export const SPEEDS = [1, 2, 5, 10, 20, 50, 100] as const;

export function ReplayControls() {
  const bridge = useBridge();
  const replay = useAppSelector(selectReplay);
  return (
    <span className="replay" data-testid="replay">
      <span className="muted">Paper replay {replay.timeframe} · {fmtTime(replay.simTime)}</span>
      <label>
        Speed
        <select value={String(replay.speed)} onChange={(e) => void bridge.replay.setSpeed({ speed: Number(e.target.value) })} data-testid="speed">
          {(SPEEDS as readonly number[]).includes(replay.speed) ? null : <option value={String(replay.speed)}>{replay.speed}</option>}
          {SPEEDS.map((s) => (
            <option key={s} value={String(s)}>{s} bars/s</option>
          ))}
        </select>
      </label>
    </span>
  );
}
