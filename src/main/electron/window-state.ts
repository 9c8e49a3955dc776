import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomic-file';

/**
 * The main window's size and position, remembered across starts in
 * `<dataDir>/window-state.json`. A missing or malformed file means the defaults; a saved
 * position that lies on no current display (a monitor was unplugged) is dropped so the
 * window never opens off-screen.
 */
export const windowStateSchema = z.object({
  width: z.number().int().min(400).max(20000),
  height: z.number().int().min(300).max(20000),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1280, height: 800, maximized: false };

export function windowStatePath(dataDir: string): string {
  return join(dataDir, 'window-state.json');
}

/** Reads the saved state; never throws (a bad file just means the defaults). */
export async function loadWindowState(dataDir: string): Promise<WindowState> {
  try {
    const parsed = windowStateSchema.safeParse(
      JSON.parse(await readFile(windowStatePath(dataDir), 'utf8')),
    );
    return parsed.success ? parsed.data : { ...DEFAULT_WINDOW_STATE };
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
}

/** Writes the state atomically: a crash leaves the old or the new file. */
export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  await writeFileAtomic(windowStatePath(dataDir), JSON.stringify(state) + '\n');
}

/**
 * Keeps the saved position only if the window's top-left area is visible on one of
 * `displays` (work areas); otherwise lets the OS place it.
 */
export function fitToDisplays(state: WindowState, displays: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  const visible = displays.some(
    (d) => x + 100 > d.x && x + 100 < d.x + d.width && y + 20 >= d.y && y + 20 < d.y + d.height,
  );
  if (visible) return state;
  return { width: state.width, height: state.height, maximized: state.maximized };
}
