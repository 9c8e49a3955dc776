// @vitest-environment jsdom
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useAppStore } from '../../../src/renderer/src/store';
import { CollectorsView } from '../../../src/renderer/src/views/Collectors/CollectorsView';
import {
  emptySourceDraft,
  validateDraft,
} from '../../../src/renderer/src/views/Collectors/sourceDraft';
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
});
