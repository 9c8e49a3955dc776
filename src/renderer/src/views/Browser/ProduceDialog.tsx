import { Send } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '../../components/ui/Button';
import { Dialog } from '../../components/ui/Dialog';
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

  const invalid = !!jsonError || typeof parsedHeaders === 'string';
  return (
    <Dialog title="Produce a message" onClose={onClose} testId="produce-dialog">
      <form className="dialog-form" onSubmit={submit}>
        <label>
          <span>Key</span>
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="(null)"
            data-testid="produce-key"
          />
        </label>
        <label>
          <span>Partition</span>
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
          <span>Format</span>
          <select
            value={format}
            onChange={(e) => setFormat(e.target.value as 'text' | 'json')}
            data-testid="produce-format"
          >
            <option value="text">Text</option>
            <option value="json">JSON (checked)</option>
          </select>
        </label>
        <label className="wide">
          <span>Value</span>
          <textarea
            value={value}
            onChange={(e) => setValue(e.target.value)}
            rows={6}
            className="mono"
            data-testid="produce-value"
          />
        </label>
        <label className="wide">
          <span>Headers</span>
          <textarea
            value={headers}
            onChange={(e) => setHeaders(e.target.value)}
            rows={2}
            className="mono"
            placeholder="one name=value a line"
            data-testid="produce-headers"
          />
        </label>
        {jsonError && (
          <p className="inline-error wide" role="alert" data-testid="produce-json-error">
            {jsonError}
          </p>
        )}
        {typeof parsedHeaders === 'string' && (
          <p className="inline-error wide" data-testid="produce-headers-error">
            {parsedHeaders}
          </p>
        )}
        {error && (
          <p className="inline-error wide" role="alert" data-testid="produce-error">
            {error}
          </p>
        )}
        {result && (
          <p className="muted wide" data-testid="produce-result">
            {result}
          </p>
        )}
        <div className="dialog-actions wide">
          <Button onClick={onClose}>Close</Button>
          <Button
            type="submit"
            variant="primary"
            icon={Send}
            disabled={invalid}
            data-testid="produce-send"
          >
            Send
          </Button>
        </div>
      </form>
    </Dialog>
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
