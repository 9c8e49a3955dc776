import { useEffect, useMemo, useState } from 'react';
import type { MessageDetail } from '../../../../common/api/messages';
import { useAppStore } from '../../store';
import { HEX_PAGE } from '../../store/slices/detail';
import { formatBytes, formatTime } from '../Topics/format';
import { fromBase64, HexView } from './HexView';
import { JsonTree } from './JsonTree';

type Tab = 'pretty' | 'raw' | 'hex' | 'headers';

/** The open message: JSON tree, raw text, hex, headers, timestamp and type, copy as JSON. */
export function MessageDetailPanel() {
  const detail = useAppStore((s) => s.messageDetail);
  const close = useAppStore((s) => s.closeDetail);
  const loadFull = useAppStore((s) => s.loadFullValue);
  const loadHex = useAppStore((s) => s.loadHex);
  const [tab, setTab] = useState<Tab>('pretty');
  const toast = useAppStore((s) => s.toast);
  /** A timeline's rows come from several topics: the panel names the message's. */
  const inTimeline = useAppStore((s) => s.browser.topics !== null);
  const data = detail?.data ?? null;

  useEffect(() => {
    if (!data) return;
    setTab(data.json ? 'pretty' : data.value?.binary ? 'hex' : 'raw');
  }, [data]);

  useEffect(() => {
    if (tab === 'hex' && data && !detail?.hex) void loadHex(0);
  }, [tab, data, detail?.hex, loadHex]);

  const parsed = useMemo(() => {
    if (!data?.json || !data.value) return undefined;
    try {
      return JSON.parse(data.value.text) as unknown;
    } catch {
      return undefined;
    }
  }, [data]);

  if (!detail) return null;
  const copy = async () => {
    if (!data) return;
    const text = JSON.stringify(copyShape(data, parsed), null, 2);
    try {
      await navigator.clipboard.writeText(text);
      toast('Copied as JSON.', 'ok');
    } catch {
      toast('The clipboard is not available here; select the raw text instead.', 'danger');
    }
  };

  return (
    <aside
      className="msg-detail"
      data-testid="msg-detail"
      data-partition={detail.partition}
      data-offset={detail.offset}
      aria-label="Message detail"
    >
      <header className="msg-detail-head">
        <strong data-testid="detail-title">
          {inTimeline ? `${detail.topic}, partition` : 'Partition'} {detail.partition}, offset{' '}
          {detail.offset}
        </strong>
        <button type="button" onClick={copy} disabled={!data} data-testid="detail-copy">
          Copy as JSON
        </button>
        <button
          type="button"
          onClick={close}
          aria-label="Close detail (Esc)"
          data-testid="detail-close"
        >
          ✕
        </button>
      </header>
      {detail.loading && <p className="muted">Loading…</p>}
      {detail.error && (
        <p className="inline-error" role="alert" data-testid="detail-error">
          {detail.error.message}
        </p>
      )}
      {data && (
        <>
          <dl className="msg-meta">
            <dt>Timestamp</dt>
            <dd data-testid="detail-timestamp">
              {formatTime(data.timestamp)} ({data.timestampType},{' '}
              {new Date(data.timestamp).toISOString()})
            </dd>
            <dt>Key</dt>
            <dd className="mono">{data.key ? data.key.text : <em>null</em>}</dd>
            <dt>Value size</dt>
            <dd>{data.value ? formatBytes(data.value.size) : 'null'}</dd>
            {data.level && (
              <>
                <dt>Level</dt>
                <dd>{data.level}</dd>
              </>
            )}
          </dl>
          <div role="tablist" className="tabs">
            {(['pretty', 'raw', 'hex', 'headers'] as Tab[]).map((t) => (
              <button
                key={t}
                role="tab"
                type="button"
                aria-selected={tab === t}
                onClick={() => setTab(t)}
                data-testid={`detail-tab-${t}`}
              >
                {t === 'pretty'
                  ? 'JSON'
                  : t === 'raw'
                    ? 'Raw'
                    : t === 'hex'
                      ? 'Hex'
                      : `Headers (${data.headers.length})`}
              </button>
            ))}
          </div>
          <div className="msg-detail-body">
            {tab === 'pretty' &&
              (parsed !== undefined ? (
                <JsonTree value={parsed} />
              ) : (
                <p className="muted">
                  The value is not JSON
                  {data.value?.truncated ? ' (or is too large to parse here; see Raw)' : ''}.
                </p>
              ))}
            {tab === 'raw' && <RawValue data={data} />}
            {tab === 'hex' && <HexPanel />}
            {tab === 'headers' && (
              <table className="headers-table" data-testid="detail-headers">
                <tbody>
                  {data.headers.map((h, i) => (
                    <tr key={i}>
                      <th className="mono">{h.key}</th>
                      <td className="mono">{h.value ? h.value.text : <em>null</em>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          {data.value?.truncated && <FullValue total={data.value.size} onLoad={loadFull} />}
        </>
      )}
    </aside>
  );
}

function RawValue({ data }: { data: MessageDetail }) {
  if (!data.value) return <p className="muted">null value</p>;
  return (
    <pre className="raw-value mono" data-testid="detail-raw">
      {data.value.text}
      {data.value.truncated && (
        <span className="muted">{`\n… ${formatBytes(data.value.size)} in all`}</span>
      )}
    </pre>
  );
}

function HexPanel() {
  const hex = useAppStore((s) => s.messageDetail?.hex ?? null);
  const loadHex = useAppStore((s) => s.loadHex);
  const bytes = useMemo(() => (hex ? fromBase64(hex.base64) : null), [hex]);
  if (!hex || !bytes) return <p className="muted">Loading bytes…</p>;
  if (hex.error) return <p className="inline-error">{hex.error}</p>;
  return (
    <div>
      <HexView bytes={bytes} baseOffset={hex.start} />
      <div className="hex-nav">
        <button
          type="button"
          disabled={hex.start === 0}
          onClick={() => loadHex(Math.max(0, hex.start - HEX_PAGE))}
        >
          Previous {formatBytes(HEX_PAGE)}
        </button>
        <span className="muted">
          bytes {hex.start}–{hex.start + bytes.length} of {hex.total}
        </span>
        <button
          type="button"
          disabled={hex.start + bytes.length >= hex.total}
          onClick={() => loadHex(hex.start + HEX_PAGE)}
        >
          Next {formatBytes(HEX_PAGE)}
        </button>
      </div>
    </div>
  );
}

/**
 * The whole of a value too large for the preview, loaded on request in chunks. Shown in a
 * read-only textarea: the browser edits megabytes of text there without building a DOM
 * node per line, so the window does not freeze.
 */
function FullValue({ total, onLoad }: { total: number; onLoad: () => Promise<void> }) {
  const full = useAppStore((s) => s.messageDetail?.full ?? null);
  if (!full) {
    return (
      <p className="inline-note">
        The value is {formatBytes(total)}; only the start is shown.{' '}
        <button type="button" onClick={onLoad} data-testid="detail-show-all">
          Show all
        </button>
      </p>
    );
  }
  if (full.error) return <p className="inline-error">Loading the value failed: {full.error}</p>;
  if (full.text === null) {
    return (
      <p className="muted" data-testid="detail-full-progress">
        Loading {formatBytes(full.loaded)} of {formatBytes(full.total)}…
        <progress value={full.loaded} max={full.total} />
      </p>
    );
  }
  return (
    <textarea readOnly className="full-value mono" value={full.text} data-testid="detail-full" />
  );
}

function copyShape(d: MessageDetail, parsed: unknown) {
  return {
    partition: d.partition,
    offset: d.offset,
    timestamp: d.timestamp,
    timestampType: d.timestampType,
    key: d.key?.text ?? null,
    value: parsed !== undefined ? parsed : (d.value?.text ?? null),
    valueTruncated: d.value?.truncated ?? false,
    headers: Object.fromEntries(d.headers.map((h) => [h.key, h.value?.text ?? null])),
  };
}
