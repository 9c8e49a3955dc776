import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  /** Navigates the window to a hash route, e.g. `#/topics`. */
  go(hash: string): void;
  openDataDir(): void;
}

/**
 * The application menu: the platform's standard roles plus a Go menu with one accelerator
 * per section. Built as plain data so that it can be checked without Electron.
 */
export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const sections: [string, string, string][] = [
    ['Dashboard', '#/dashboard', 'CmdOrCtrl+1'],
    ['Topics', '#/topics', 'CmdOrCtrl+2'],
    ['Consumer groups', '#/groups', 'CmdOrCtrl+3'],
    ['Collectors', '#/collectors', 'CmdOrCtrl+4'],
    ['Settings', '#/settings', 'CmdOrCtrl+,'],
  ];
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: () => actions.openDataDir() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'Go',
      submenu: sections.map(([label, hash, accelerator]) => ({
        label,
        accelerator,
        click: () => actions.go(hash),
      })),
    },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    { role: 'help', submenu: [{ role: 'about' }] },
  ];
}
