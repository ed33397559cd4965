import { useState } from 'react';
import { createSilence, expireSilence, fetchSilences, type Matcher } from '../alertingApi.ts';
import { fmtTime } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const OPS = {
  '=': { isRegex: false, isEqual: true },
  '!=': { isRegex: false, isEqual: false },
  '=~': { isRegex: true, isEqual: true },
  '!~': { isRegex: true, isEqual: false },
} as const;
type Op = keyof typeof OPS;

function matcherText(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}"${m.value}"`;
}

/**
 * Silences of the built-in delivery: the list (polls /api/silences every 5 s), a form for one matcher, a
 * duration, who and why, and Expire. The server validates (label names, regular expressions, times).
 */
export function SilencesPanel() {
  const [tick, setTick] = useState(0);
  const { data, error } = usePoll(fetchSilences, 5000, [tick]);
  const [name, setName] = useState('node');
  const [op, setOp] = useState<Op>('=');
  const [value, setValue] = useState('');
  const [hours, setHours] = useState('1');
  const [by, setBy] = useState('');
  const [comment, setComment] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    try {
      await createSilence([{ name, value, ...OPS[op] }], Date.now() + Number(hours) * 3600_000, by, comment);
      setFormError(null);
      setValue('');
      setTick((t) => t + 1);
    } catch (e) {
      setFormError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="panel" data-testid="silences">
      <h2>Silences</h2>
      <div className="controls">
        <label>
          Label
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Match
          <select value={op} onChange={(e) => setOp(e.target.value as Op)}>
            {Object.keys(OPS).map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Value
          <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="node-1" />
        </label>
        <label>
          Hours
          <input value={hours} onChange={(e) => setHours(e.target.value)} />
        </label>
        <label>
          Created by
          <input value={by} onChange={(e) => setBy(e.target.value)} />
        </label>
        <label>
          Comment
          <input value={comment} onChange={(e) => setComment(e.target.value)} />
        </label>
        <button onClick={() => void submit()}>Silence</button>
      </div>
      {formError && <p className="error">{formError}</p>}
      {error && <p className="error">Silences unavailable: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>Matchers</th>
            <th>State</th>
            <th>Starts</th>
            <th>Ends</th>
            <th>Created by</th>
            <th>Comment</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((s) => (
            <tr key={s.id} className={s.state === 'expired' ? 'resolved' : ''}>
              <td className="mono">{s.matchers.map(matcherText).join(', ')}</td>
              <td>{s.state}</td>
              <td>{fmtTime(s.startsAtMs)}</td>
              <td>{fmtTime(s.endsAtMs)}</td>
              <td>{s.createdBy}</td>
              <td>{s.comment}</td>
              <td>
                {s.state !== 'expired' && (
                  <button onClick={() => void expireSilence(s.id).then(() => setTick((t) => t + 1))}>
                    Expire
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
