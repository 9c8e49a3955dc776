/**
 * Command source presets the Collectors view offers (docs/collectors.md, "Command presets
 * for macOS and Windows"): the macOS unified log as NDJSON and the Windows event log
 * polled through PowerShell. Plain command source configs; neither has been run on those
 * systems here (the CI machines are Linux).
 */
import type { CommandSourceConfig } from './config';

export interface CommandPreset {
  name: string;
  label: string;
  config: Pick<CommandSourceConfig, 'id' | 'topic' | 'command' | 'args' | 'restart'> & {
    parser: { type: 'json'; timestampField: string; levelField: string; messageField: string };
  };
}

export const COMMAND_PRESETS: CommandPreset[] = [
  {
    name: 'macos-log',
    label: 'macOS unified log (log stream --style ndjson; untested here)',
    config: {
      id: 'macos-log',
      topic: 'macos.log',
      command: '/usr/bin/log',
      args: ['stream', '--style', 'ndjson', '--level', 'info'],
      parser: {
        type: 'json',
        timestampField: 'timestamp',
        levelField: 'messageType',
        messageField: 'eventMessage',
      },
      restart: 'always',
    },
  },
  {
    name: 'windows-events',
    label: 'Windows event log (PowerShell Get-WinEvent, every minute; untested here)',
    config: {
      id: 'windows-events',
      topic: 'windows.events',
      command: 'powershell.exe',
      args: [
        '-NoProfile',
        '-Command',
        'while ($true) { Get-WinEvent -LogName System,Application -MaxEvents 200 | ForEach-Object { $_ | Select-Object TimeCreated,LevelDisplayName,ProviderName,Id,Message | ConvertTo-Json -Compress }; Start-Sleep 60 }',
      ],
      parser: {
        type: 'json',
        timestampField: 'TimeCreated',
        levelField: 'LevelDisplayName',
        messageField: 'Message',
      },
      restart: 'always',
    },
  },
];
