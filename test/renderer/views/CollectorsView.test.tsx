// @vitest-environment jsdom
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { CollectorsView } from '../../../src/renderer/src/views/Collectors/CollectorsView';
import {
  configToDraft,
  draftToConfig,
  emptySourceDraft,
  validateConfig,
  validateDraft,
} from '../../../src/renderer/src/views/Collectors/sourceDraft';
import {
  presetDraft,
  processDraftToConfig,
} from '../../../src/renderer/src/views/Collectors/processSourceDraft';
import { COMMAND_PRESETS } from '../../../src/common/collectors/presets';
import { fileSourceSchema } from '../../../src/common/collectors/config';
import { openOpsHarness, type OpsHarness } from '../../main/api/ops-harness';
import { waitUntil } from '../wait';
import { writeJournal } from '../../main/collectors/journald/journal-writer';

let h: OpsHarness;
let logs: string;
beforeAll(async () => {
  h = await openOpsHarness();
  logs = join(h.dir, 'svc');
  await mkdir(logs);
  useAppStore.getState().setApi(h.client, 'in-process');
});
afterEach(() => cleanup());
afterAll(async () => {
  await h.close();
});

const messages = () =>
  h.broker.listTopics().find((t) => t.name === 'svc.logs')?.partitions[0].logEndOffset ?? 0;

describe('the collectors view', () => {
  it('adds a file source from the form after a live preview, then shows it collecting', async () => {
    const file = join(logs, 'svc.log');
    await writeFile(
      file,
      'Exception in thread "main" java.lang.Error: boom\n\tat A.b(A.java:1)\n\tat C.d(C.java:2)\nnext line\n',
    );
    render(<CollectorsView />);
    fireEvent.click(screen.getByTestId('source-add'));
    fireEvent.change(screen.getByLabelText('Name (id)'), { target: { value: 'svc' } });
    fireEvent.change(screen.getByLabelText('Files (globs, one per line)'), {
      target: { value: join(logs, '*.log') },
    });
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'svc.logs' } });
    fireEvent.change(screen.getByLabelText('Multi-line'), { target: { value: 'java' } });
    await waitUntil(
      () => screen.queryAllByTestId('preview-event').length === 2,
      'the preview of two events',
    );
    expect(screen.getAllByTestId('preview-event')[0].textContent).toContain('3 lines joined');
    fireEvent.click(screen.getByTestId('source-save'));
    await screen.findByTestId('source-row-svc', {}, { timeout: 10_000 });
    await appendFile(file, 'another line\n');
    await waitUntil(() => messages() >= 2, 'the collected events');
    await waitUntil(
      () => /of/.test(screen.getByTestId('source-row-svc').textContent ?? ''),
      'the file status',
    );
    expect(screen.getByTestId('source-row-svc').textContent).toContain('svc.log');

    fireEvent.click(screen.getByTestId('source-pause'));
    await waitUntil(() => screen.queryByTestId('source-resume'), 'the paused state');
    fireEvent.click(screen.getByTestId('source-resume'));
    await waitUntil(() => screen.queryByTestId('source-pause'), 'the running state');
    fireEvent.click(screen.getByTestId('source-remove'));
    fireEvent.click(screen.getByTestId('source-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('source-row-svc') === null, 'the row to go');
  });

  it('adds a journal source after a preview of its entries, collects them, and edits its units', async () => {
    const journals = join(h.dir, 'journals');
    await mkdir(journals);
    await writeJournal(join(journals, 'app.journal'), [
      { MESSAGE: 'started', PRIORITY: '6', _SYSTEMD_UNIT: 'app.service' },
      { MESSAGE: 'failed', PRIORITY: '3', _SYSTEMD_UNIT: 'app.service' },
    ]);
    render(<CollectorsView />);
    fireEvent.click(screen.getByTestId('service-source-add'));
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'journald' } });
    fireEvent.change(screen.getByLabelText('Name (id)'), { target: { value: 'jrnl' } });
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'jrnl.logs' } });
    fireEvent.change(screen.getByLabelText('Journal directory (empty: system journal)'), {
      target: { value: journals },
    });
    await waitUntil(
      () => screen.queryAllByTestId('preview-event').length === 2,
      'the preview of two entries',
    );
    expect(screen.getAllByTestId('preview-event')[1].textContent).toContain('failed');
    expect(screen.getAllByTestId('preview-event')[1].textContent).toContain('err');
    fireEvent.click(screen.getByTestId('source-save'));
    await screen.findByTestId('source-row-jrnl', {}, { timeout: 10_000 });
    await waitUntil(
      () =>
        (h.broker.listTopics().find((t) => t.name === 'jrnl.logs')?.partitions[0].logEndOffset ??
          0) === 2,
      'the two entries stored',
    );
    fireEvent.click(screen.getByText('Edit'));
    expect(
      (screen.getByLabelText('Journal directory (empty: system journal)') as HTMLInputElement)
        .value,
    ).toBe(journals);
    fireEvent.change(screen.getByLabelText('Units (empty: all)'), {
      target: { value: 'app.service' },
    });
    fireEvent.click(screen.getByTestId('source-save'));
    await waitUntil(
      () =>
        (
          useAppStore.getState().collectors.sources.find((x) => x.config.id === 'jrnl')?.config as {
            units?: string[];
          }
        )?.units?.[0] === 'app.service',
      'the edited units',
    );
    fireEvent.click(screen.getByTestId('source-remove'));
    fireEvent.click(screen.getByTestId('source-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('source-row-jrnl') === null, 'the row to go');
  });

  it('shows the collectors schema errors by field', () => {
    const checked = validateDraft({
      ...emptySourceDraft(),
      id: 'bad id!',
      topic: 't',
      include: '',
    });
    expect('errors' in checked && Object.keys(checked.errors).sort()).toEqual(['id', 'include']);
    const regex = validateDraft({
      ...emptySourceDraft(),
      id: 'a',
      topic: 't',
      include: '/x',
      parser: 'regex',
      regex: '(',
    });
    expect('errors' in regex && regex.errors['parser.pattern']).toMatch(
      /invalid regular expression/,
    );
  });

  it('keeps a file source’s event-time choice and zone through the form, and checks the zone', () => {
    const config = fileSourceSchema.parse({
      type: 'file',
      id: 'f',
      topic: 't',
      include: ['/x/*.log'],
      timeFromLine: false,
      timezone: 'Europe/Paris',
    });
    const draft = configToDraft(config);
    expect(draft).toMatchObject({ timeFromLine: false, timezone: 'Europe/Paris' });
    expect(draftToConfig(draft)).toMatchObject({ timeFromLine: false, timezone: 'Europe/Paris' });
    const bad = validateDraft({ ...draft, timezone: 'Mars/Base' });
    expect('errors' in bad && bad.errors.timezone).toMatch(/unknown time zone/);
  });

  it('adds a command source that collects its output as JSON, then edits its arguments', async () => {
    render(<CollectorsView />);
    fireEvent.click(screen.getByTestId('process-source-add'));
    fireEvent.change(screen.getByLabelText('Name (id)'), { target: { value: 'cmd' } });
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'cmd.out' } });
    fireEvent.change(screen.getByLabelText('Command'), { target: { value: process.execPath } });
    fireEvent.change(screen.getByLabelText('Arguments (one per line)'), {
      target: {
        value: `-e\nconsole.log(JSON.stringify({at: "2026-12-07T01:02:03Z", sev: "warn", msg: process.env.WORD}))`,
      },
    });
    fireEvent.change(screen.getByLabelText('Environment (NAME=value, one per line)'), {
      target: { value: 'WORD=hello there' },
    });
    fireEvent.change(screen.getByLabelText('Restart'), { target: { value: 'never' } });
    fireEvent.change(screen.getByLabelText('Parser'), { target: { value: 'json' } });
    fireEvent.change(screen.getByLabelText('Time field (empty: time, ts, @timestamp)'), {
      target: { value: 'at' },
    });
    fireEvent.change(screen.getByLabelText('Level field (empty: level)'), {
      target: { value: 'sev' },
    });
    fireEvent.click(screen.getByTestId('source-save'));
    await screen.findByTestId('source-row-cmd', {}, { timeout: 10_000 });
    const records = await waitUntil(async () => {
      const end = h.broker.listTopics().find((t) => t.name === 'cmd.out')?.partitions[0];
      if (!end || end.logEndOffset < 2) return null;
      return h.broker.readRecords('cmd.out', 0, 0, { maxRecords: 10 });
    }, 'the output and the exit record');
    const line = records.find((r) => r.headers.some((x) => x.key === 'level'))!;
    expect(line.timestamp).toBe(Date.UTC(2026, 11, 7, 1, 2, 3));
    expect(line.headers.find((x) => x.key === 'level')?.value?.toString()).toBe('warn');
    expect(line.value?.toString()).toContain('hello there');

    fireEvent.click(within(screen.getByTestId('source-row-cmd')).getByTestId('source-edit'));
    expect((screen.getByLabelText('Command') as HTMLInputElement).value).toBe(process.execPath);
    expect((screen.getByLabelText('Level field (empty: level)') as HTMLInputElement).value).toBe(
      'sev',
    );
    fireEvent.change(screen.getByLabelText('Arguments (one per line)'), {
      target: { value: '-e\nconsole.log("second run")' },
    });
    fireEvent.click(screen.getByTestId('source-save'));
    await waitUntil(
      () =>
        (
          useAppStore.getState().collectors.sources.find((x) => x.config.id === 'cmd')?.config as {
            args?: string[];
          }
        )?.args?.[1] === 'console.log("second run")',
      'the edited arguments',
    );
    fireEvent.click(within(screen.getByTestId('source-row-cmd')).getByTestId('source-remove'));
    fireEvent.click(screen.getByTestId('source-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('source-row-cmd') === null, 'the row to go');
  });

  it('adds a syslog listener on a free port and edits its protocol', async () => {
    render(<CollectorsView />);
    fireEvent.click(screen.getByTestId('process-source-add'));
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'syslog' } });
    expect((screen.getByLabelText('Name (id)') as HTMLInputElement).value).toBe('syslog');
    fireEvent.change(screen.getByLabelText('Port on 127.0.0.1 (0: a free one)'), {
      target: { value: '0' },
    });
    fireEvent.change(screen.getByLabelText('Protocol'), { target: { value: 'udp' } });
    fireEvent.click(screen.getByTestId('source-save'));
    await screen.findByTestId('source-row-syslog', {}, { timeout: 10_000 });
    await waitUntil(
      () => /udp/.test(screen.getByTestId('source-row-syslog').textContent ?? ''),
      'the listener',
    );
    fireEvent.click(within(screen.getByTestId('source-row-syslog')).getByTestId('source-edit'));
    expect((screen.getByLabelText('Protocol') as HTMLSelectElement).value).toBe('udp');
    fireEvent.change(screen.getByLabelText('Protocol'), { target: { value: 'tcp' } });
    fireEvent.click(screen.getByTestId('source-save'));
    await waitUntil(
      () =>
        (
          useAppStore.getState().collectors.sources.find((x) => x.config.id === 'syslog')
            ?.config as { protocol?: string }
        )?.protocol === 'tcp',
      'the edited protocol',
    );
    fireEvent.click(within(screen.getByTestId('source-row-syslog')).getByTestId('source-remove'));
    fireEvent.click(screen.getByTestId('source-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('source-row-syslog') === null, 'the row to go');
  });

  it('keeps a syslog listener’s limits, set through the API, when the form changes only its topic', async () => {
    const limits = { maxMessageBytes: 8192, maxConnections: 12, idleTimeoutMs: 1500 };
    await h.client.call('collectors.add', {
      config: { type: 'syslog', id: 'limited', topic: 'limited.logs', port: 0, ...limits },
    });
    render(<CollectorsView />);
    await screen.findByTestId('source-row-limited', {}, { timeout: 10_000 });
    fireEvent.click(within(screen.getByTestId('source-row-limited')).getByTestId('source-edit'));
    fireEvent.change(screen.getByLabelText('Topic'), { target: { value: 'limited.renamed' } });
    fireEvent.click(screen.getByTestId('source-save'));
    const saved = await waitUntil(() => {
      const c = useAppStore.getState().collectors.sources.find((x) => x.config.id === 'limited');
      return c?.config.topic === 'limited.renamed' ? c.config : null;
    }, 'the edited topic');
    expect(saved).toMatchObject(limits);
    fireEvent.click(within(screen.getByTestId('source-row-limited')).getByTestId('source-remove'));
    fireEvent.click(screen.getByTestId('source-remove-confirm'));
    await waitUntil(() => screen.queryByTestId('source-row-limited') === null, 'the row to go');
  });

  it('fills a command source from the macOS and Windows presets, valid for the schema', () => {
    render(<CollectorsView />);
    fireEvent.click(screen.getByTestId('process-source-add'));
    fireEvent.change(screen.getByLabelText('Preset'), { target: { value: 'macos-log' } });
    expect((screen.getByLabelText('Command') as HTMLInputElement).value).toBe('/usr/bin/log');
    expect((screen.getByLabelText('Arguments (one per line)') as HTMLTextAreaElement).value).toBe(
      'stream\n--style\nndjson\n--level\ninfo',
    );
    expect((screen.getByLabelText('Message field (empty: msg)') as HTMLInputElement).value).toBe(
      'eventMessage',
    );
    for (const p of COMMAND_PRESETS) {
      const config = processDraftToConfig(presetDraft(p));
      expect(validateConfig(config)).toEqual({ config });
      expect(config).toMatchObject({ command: p.config.command, args: p.config.args });
    }
  });
});
