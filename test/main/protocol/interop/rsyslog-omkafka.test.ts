import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnProcess, useLogdock, waitFor, type Logdock } from '../helpers';

const logdock = useLogdock();

async function values(ld: Logdock, topic: string): Promise<string[]> {
  if (!ld.broker.listTopics().some((t) => t.name === topic)) return [];
  const recs = await ld.broker.readRecords(topic, 0, 0, { maxRecords: 1000 });
  return recs.map((r) => r.value?.toString() ?? '');
}

describe("rsyslog's omkafka", () => {
  it('ships the lines of a log file into a topic, including lines appended later', async () => {
    const ld = await logdock.start();
    const work = await logdock.tempDir('logdock-rsyslog-');
    const logFile = join(work, 'app.log');
    await writeFile(logFile, 'first line\nsecond line\n');
    const conf = join(work, 'rsyslog.conf');
    await writeFile(
      conf,
      [
        `global(workDirectory="${work}")`,
        'module(load="imfile" mode="polling" PollingInterval="1")',
        'module(load="omkafka")',
        'template(name="msgonly" type="string" string="%msg%")',
        `input(type="imfile" File="${logFile}" Tag="app:" ruleset="tokafka" freshStartTail="off")`,
        'ruleset(name="tokafka") {',
        `  action(type="omkafka" broker=["${ld.bootstrap}"] topic="syslog-in" template="msgonly" confParam=["queue.buffering.max.ms=50"])`,
        '}',
        '',
      ].join('\n'),
    );
    const rsyslog = spawnProcess('rsyslogd', ['-n', '-f', conf, '-i', join(work, 'rsyslogd.pid')]);
    await waitFor(
      async () => (await values(ld, 'syslog-in')).length === 2,
      `the two existing lines (rsyslogd said: ${rsyslog.stderr()})`,
    );
    await appendFile(logFile, 'third line\n');
    await waitFor(async () => (await values(ld, 'syslog-in')).length === 3, 'the appended line');
    expect(await values(ld, 'syslog-in')).toEqual(['first line', 'second line', 'third line']);
  });
});
