import { useState } from 'react';
import type { GroupDetail, OffsetSpec } from '../../../../common/api/groups';
import { useAppStore } from '../../store';
import type { ResetRequest } from '../../store/slices/groups';
import { ErrorLine } from '../ops-common/ErrorLine';
import { fromDateTimeInput, toDateTimeInput } from '../ops-common/format';

type Kind = OffsetSpec['kind'];
type Scope = 'group' | 'topic' | 'partition';

/** Builds the request from the form, or says which field is wrong. */
export function buildResetRequest(
  groupId: string,
  form: { scope: Scope; topic: string; partition: string; kind: Kind; value: string },
): { request: ResetRequest } | { error: string } {
  let spec: OffsetSpec;
  switch (form.kind) {
    case 'earliest':
    case 'latest':
      spec = { kind: form.kind };
      break;
    case 'offset':
      if (!/^\d+$/.test(form.value.trim())) return { error: 'Offset: a whole number ≥ 0' };
      spec = { kind: 'offset', offset: Number(form.value) };
      break;
    case 'shift':
      if (!/^[-+]?\d+$/.test(form.value.trim()))
        return { error: 'Shift: a whole number, e.g. -100' };
      spec = { kind: 'shift', by: Number(form.value) };
      break;
    case 'timestamp': {
      const ms = fromDateTimeInput(form.value);
      if (ms === null) return { error: 'Date and time: choose one' };
      spec = { kind: 'timestamp', timestamp: ms };
      break;
    }
  }
  const request: ResetRequest = { groupId, spec };
  if (form.scope !== 'group') {
    if (!form.topic) return { error: 'Topic: choose one' };
    request.topic = form.topic;
  }
  if (form.scope === 'partition') {
    if (!/^\d+$/.test(form.partition.trim())) return { error: 'Partition: a whole number ≥ 0' };
    request.partition = Number(form.partition);
  }
  return { request };
}

/**
 * Reset offsets: to earliest, latest, a date and time, an offset, or shifted by N; for the
 * whole group, a topic or one partition. "Show plan" always runs the dry run first; only the
 * plan shown can be executed, and executing is disabled while the group has members.
 */
export function ResetOffsetsForm({ group }: { group: GroupDetail }) {
  const plan = useAppStore((s) => s.groups.plan);
  const executed = useAppStore((s) => s.groups.executed);
  const resetError = useAppStore((s) => s.groups.resetError);
  const busy = useAppStore((s) => s.groups.busy);
  const planReset = useAppStore((s) => s.planReset);
  const executeReset = useAppStore((s) => s.executeReset);
  const clearPlan = useAppStore((s) => s.clearPlan);
  const topics = [...new Set([...group.topics, ...group.partitions.map((p) => p.topic)])].sort();
  const [scope, setScope] = useState<Scope>('group');
  const [topic, setTopic] = useState(topics[0] ?? '');
  const [partition, setPartition] = useState('0');
  const [kind, setKind] = useState<Kind>('earliest');
  const [value, setValue] = useState('');
  const [formError, setFormError] = useState<string | null>(null);

  const onChange =
    <T,>(setter: (v: T) => void) =>
    (v: T) => {
      setter(v);
      clearPlan();
    };

  const showPlan = () => {
    const built = buildResetRequest(group.groupId, { scope, topic, partition, kind, value });
    if ('error' in built) {
      setFormError(built.error);
      return;
    }
    setFormError(null);
    void planReset(built.request);
  };

  return (
    <div data-testid="reset-form">
      <div className="ops-form">
        <label htmlFor="reset-scope">Scope</label>
        <select
          id="reset-scope"
          value={scope}
          onChange={(e) => onChange(setScope)(e.target.value as Scope)}
        >
          <option value="group">Whole group</option>
          <option value="topic">One topic</option>
          <option value="partition">One partition</option>
        </select>
        {scope !== 'group' && (
          <>
            <label htmlFor="reset-topic">Topic</label>
            <select
              id="reset-topic"
              value={topic}
              onChange={(e) => onChange(setTopic)(e.target.value)}
            >
              {topics.map((t) => (
                <option key={t}>{t}</option>
              ))}
            </select>
          </>
        )}
        {scope === 'partition' && (
          <>
            <label htmlFor="reset-partition">Partition</label>
            <input
              id="reset-partition"
              value={partition}
              inputMode="numeric"
              onChange={(e) => onChange(setPartition)(e.target.value)}
            />
          </>
        )}
        <label htmlFor="reset-kind">Move to</label>
        <select
          id="reset-kind"
          value={kind}
          onChange={(e) => {
            const next = e.target.value as Kind;
            onChange(setKind)(next);
            setValue(next === 'timestamp' ? toDateTimeInput(Date.now() - 3_600_000) : '');
          }}
        >
          <option value="earliest">Earliest</option>
          <option value="latest">Latest</option>
          <option value="timestamp">Date and time</option>
          <option value="offset">Offset</option>
          <option value="shift">Shift by N</option>
        </select>
        {kind !== 'earliest' && kind !== 'latest' && (
          <>
            <label htmlFor="reset-value">
              {kind === 'timestamp' ? 'Date and time' : kind === 'offset' ? 'Offset' : 'Shift by'}
            </label>
            <input
              id="reset-value"
              type={kind === 'timestamp' ? 'datetime-local' : 'text'}
              step={kind === 'timestamp' ? 1 : undefined}
              value={value}
              onChange={(e) => onChange(setValue)(e.target.value)}
            />
          </>
        )}
      </div>
      {formError && <p className="ops-error">{formError}</p>}
      <div className="ops-actions">
        <button data-testid="reset-plan" onClick={showPlan} disabled={busy}>
          Show plan (dry run)
        </button>
      </div>
      <ErrorLine error={resetError} testId="reset-error" />
      {plan && (
        <div data-testid="reset-plan-table">
          {plan.result.plan.length === 0 ? (
            <p className="ops-note">Nothing to move: the group has no offsets in this scope.</p>
          ) : (
            <table className="ops-table">
              <thead>
                <tr>
                  <th>Topic</th>
                  <th className="num">Partition</th>
                  <th className="num">Current offset</th>
                  <th className="num">New offset</th>
                </tr>
              </thead>
              <tbody>
                {plan.result.plan.map((e) => (
                  <tr
                    key={`${e.topic}:${e.partition}`}
                    className="ops-plan-row"
                    data-changed={e.oldOffset !== e.newOffset}
                  >
                    <td>{e.topic}</td>
                    <td className="num">{e.partition}</td>
                    <td className="num">{e.oldOffset ?? '–'}</td>
                    <td className="num">{e.newOffset}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {plan.result.blockedReason ? (
            <p className="ops-warning" data-testid="reset-blocked">
              Cannot execute: {plan.result.blockedReason}
            </p>
          ) : null}
          <div className="ops-actions">
            <button
              className="primary"
              data-testid="reset-execute"
              disabled={busy || plan.result.blockedReason !== null || plan.result.plan.length === 0}
              onClick={() => void executeReset()}
            >
              Execute this plan
            </button>
            <button onClick={clearPlan}>Cancel</button>
          </div>
        </div>
      )}
      {executed && (
        <p className="ops-note" data-testid="reset-done">
          Moved {executed.plan.length} partition offset(s).
        </p>
      )}
    </div>
  );
}
