import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../store';

/** Produce one message: key, value, headers (one `name=value` a line), partition, JSON check. */
export function ProduceDialog({ onClose }: { onClose: () => void }) {
  const produce = useAppStore((s) => s.produce);
  const ends = useAppStore((s) => s.browser.ends);
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [headers, setHeaders] = useState('');
  const [partition, setPartition] = useState('');
  const [format, setFormat] = useState<'text' | 'json'>('text');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const jsonError = format === 'json' && value.trim() !== '' ? jsonProblem(value) : null;
  const parsedHeaders = parseHeaders(headers);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (jsonError || typeof parsedHeaders === 'string') return;
    const res = await produce({
      ...(partition === '' ? {} : { partition: Number(partition) }),
      key: key === '' ? null : key,
      value,
      headers: parsedHeaders,
      valueFormat: format,
    });
    if ('code' in res) {
      setError(res.message);
      setResult(null);
    } else {
      setError(null);
      setResult(`Written to partition ${res.partition} at offset ${res.offset}.`);
    }
  };

  return (
    <form
      className="dialog produce-dialog"
      onSubmit={submit}
      data-testid="produce-dialog"
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
    >
      <h2>Produce a message</h2>
      <label>
        Key{' '}
        <input
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="(null)"
          data-testid="produce-key"
        />
      </label>
      <label>
        Partition{' '}
        <select
          value={partition}
          onChange={(e) => setPartition(e.target.value)}
          data-testid="produce-partition"
        >
          <option value="">by key</option>
          {ends.map((p) => (
            <option key={p.partition} value={p.partition}>
              {p.partition}
            </option>
          ))}
        </select>
      </label>
      <label>
        Format{' '}
        <select
          value={format}
          onChange={(e) => setFormat(e.target.value as 'text' | 'json')}
          data-testid="produce-format"
        >
          <option value="text">Text</option>
          <option value="json">JSON (checked)</option>
        </select>
      </label>
      <textarea
        value={value}
        onChange={(e) => setValue(e.target.value)}
        rows={6}
        className="mono"
        aria-label="Value"
        data-testid="produce-value"
      />
      <textarea
        value={headers}
        onChange={(e) => setHeaders(e.target.value)}
        rows={2}
        className="mono"
        placeholder="headers, one name=value a line"
        aria-label="Headers"
      />
      {jsonError && (
        <p className="inline-error" role="alert" data-testid="produce-json-error">
          {jsonError}
        </p>
      )}
      {typeof parsedHeaders === 'string' && <p className="inline-error">{parsedHeaders}</p>}
      {error && (
        <p className="inline-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <p className="muted" data-testid="produce-result">
          {result}
        </p>
      )}
      <button
        type="submit"
        disabled={!!jsonError || typeof parsedHeaders === 'string'}
        data-testid="produce-send"
      >
        Send
      </button>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </form>
  );
}

function jsonProblem(text: string): string | null {
  try {
    JSON.parse(text);
    return null;
  } catch (err) {
    return `Not valid JSON: ${(err as Error).message}`;
  }
}

function parseHeaders(text: string): { key: string; value: string | null }[] | string {
  const out: { key: string; value: string | null }[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) return `header line ${i + 1}: write name=value`;
    out.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1) });
  }
  return out;
}
