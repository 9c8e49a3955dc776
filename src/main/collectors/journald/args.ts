/**
 * The journalctl command line of a journald source. Every value goes in `--option=value`
 * form (and matches last, after `--`'s equivalent position), so a unit or path starting
 * with `-` cannot be taken for an option; no shell is involved.
 */
import type { JournaldSourceConfig } from '../../../common/collectors/config';

/**
 * `cursor`: the last entry already stored (read after it). Without one, `startAt` decides:
 * the beginning for journal files and directories, the end for the system journal.
 * `follow: false` reads what there is and exits (catching up, see journald-source.ts).
 */
export function journalctlArgs(
  config: JournaldSourceConfig,
  cursor: string | null,
  follow = true,
): string[] {
  const args = ['--output=export', '--no-pager', '--quiet'];
  if (follow) args.push('--follow');
  if (config.directory) args.push(`--directory=${config.directory}`);
  for (const f of config.files) args.push(`--file=${f}`);
  // journalctl 252's --follow implies --boot (the journal's latest boot) unless --merge: on
  // a journal whose entries carry no boot id (systemd-journal-remote fed export data without
  // _BOOT_ID) it exits at once with "Data from the specified boot (+0) is not available", and
  // the source restarted it every second with a warning. Files and directories are read whole.
  if (config.directory || config.files.length > 0) args.push('--merge');
  for (const u of config.units) args.push(`--unit=${u}`);
  if (config.priority !== undefined) args.push(`--priority=${config.priority}`);
  // With --follow, journalctl 252 shows the last 10 entries instead of those after the
  // cursor unless --no-tail is given too (harmless without --follow).
  if (cursor) args.push('--no-tail', `--after-cursor=${cursor}`);
  else args.push(startAt(config) === 'beginning' ? '--no-tail' : '--lines=0');
  args.push(...config.matches);
  return args;
}

export function startAt(config: JournaldSourceConfig): 'beginning' | 'end' {
  return config.startAt ?? (config.directory || config.files.length > 0 ? 'beginning' : 'end');
}
