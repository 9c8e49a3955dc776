import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileSourceSchema } from '../../../src/common/collectors/config';
import { previewFileSource, PREVIEW_LIMITS } from '../../../src/main/collectors/preview';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'logdock-preview-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config = (include: string) =>
  fileSourceSchema.parse({ type: 'file', id: 'p', topic: 'p', include: [include] });

/** `dirs` folders of `files` logs each, named so that they sort in creation order. */
async function tree(dirs: number, files: number): Promise<void> {
  for (let d = 0; d < dirs; d++) {
    await mkdir(join(dir, `d${d}`));
    await Promise.all(
      Array.from({ length: files }, (_, f) =>
        writeFile(join(dir, `d${d}`, `f${String(f).padStart(4, '0')}.log`), `line ${d}/${f}\n`),
      ),
    );
  }
}

describe('the preview of a file source', () => {
  it(`lists the first ${PREVIEW_LIMITS.files} matching files, sorted, and says more match`, async () => {
    await tree(1, PREVIEW_LIMITS.files + 1);
    const p = await previewFileSource(config(`${dir}/**/*.log`), 5);
    expect(p.matchedFiles).toHaveLength(PREVIEW_LIMITS.files);
    expect(p.incomplete).toBe(true);
    expect(p.file).toBe(join(dir, 'd0', 'f0000.log'));
    expect(p.events.map((e) => e.text)).toEqual(['line 0/0']);
  });

  it('stops walking after its budget of directory entries, with what it found, and says so', async () => {
    // A glob such as /** walked the whole file system for every preview, unstoppably.
    await tree(4, 10);
    const p = await previewFileSource(config(`${dir}/**`), 5, { entries: 15, files: 1000 });
    expect(p.incomplete).toBe(true);
    expect(p.matchedFiles.length).toBeGreaterThan(0);
    expect(p.matchedFiles.length).toBeLessThan(40);
    const whole = await previewFileSource(config(`${dir}/**`), 5);
    expect(whole.matchedFiles).toHaveLength(40);
    expect(whole).not.toHaveProperty('incomplete');
  });
});
