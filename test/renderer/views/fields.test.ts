import { describe, expect, it } from 'vitest';
import {
  commonFields,
  fieldLabel,
  parseFields,
  topValues,
} from '../../../src/renderer/src/views/Browser/fields';

const obj = (m: ReadonlyMap<string, string>) => Object.fromEntries(m);

describe('fields of a log line', () => {
  it('flattens a JSON object to dotted names, a collector’s fields under fields.', () => {
    const f = parseFields(
      '{"level":"INFO","msg":"ok","latency_ms":12,"http":{"status":200},"fields":{"user":"ann"}}',
      false,
    );
    expect(obj(f)).toEqual({
      level: 'INFO',
      msg: 'ok',
      latency_ms: '12',
      'http.status': '200',
      'fields.user': 'ann',
    });
    expect(fieldLabel('fields.user')).toBe('user');
  });

  it('reads the complete pairs of a JSON preview cut short', () => {
    const f = parseFields('{"level":"WARN","msg":"disk \\"full\\"","n":3,"tail":"cut her', true);
    expect(obj(f)).toEqual({ level: 'WARN', msg: 'disk "full"', n: '3' });
  });

  it('reads logfmt, quoted values too, and drops the last pair of a cut line', () => {
    expect(
      obj(parseFields('ts=2026-05-01T10:00:00Z level=info msg="invoice 7" amount=21', false)),
    ).toEqual({
      ts: '2026-05-01T10:00:00Z',
      level: 'info',
      msg: 'invoice 7',
      amount: '21',
    });
    expect([...parseFields('level=info msg="a b" amount=2', true).keys()]).toEqual([
      'level',
      'msg',
    ]);
  });

  it('finds no fields in plain text, a JSON array or hostile input', () => {
    expect(parseFields('GET /index.html 200', false).size).toBe(0);
    expect(parseFields('[1,2,3]', false).size).toBe(0);
    expect(parseFields('{"a":', false).size).toBe(0);
    expect(parseFields('{'.repeat(10_000), false).size).toBe(0);
  });

  it('chooses the most common fields as columns, leaving out time and level', () => {
    const rows = [
      parseFields('{"time":"t","level":"INFO","msg":"a","user":"x"}', false),
      parseFields('{"time":"t","level":"INFO","msg":"b","latency_ms":3}', false),
      parseFields('{"time":"t","level":"INFO","msg":"c","latency_ms":4}', false),
    ];
    expect(commonFields(rows, 2)).toEqual(['msg', 'latency_ms']);
  });

  it('counts the top values of a field', () => {
    const rows = ['api', 'worker', 'api', 'api', 'db'].map((s) =>
      parseFields(`{"service":"${s}"}`, false),
    );
    expect(topValues(rows, 'service', 2)).toEqual([
      { value: 'api', count: 3 },
      { value: 'db', count: 1 },
    ]);
  });
});
