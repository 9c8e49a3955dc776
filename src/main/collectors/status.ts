/** Status of sources and their files, as `CollectorManager.status()` reports it. */
import type { ConnectionCounts } from './connection-limit';

/** Counters of one file, kept by its TrackedFile and reported as they are in FileStatus. */
export interface FileStats {
  lines: number;
  linesCut: number;
  parseErrors: number;
  invalidBytes: number;
  truncations: number;
  /** Bytes that were in the file before a truncation and never read (a lower bound). */
  missedBytes: number;
}

export interface FileStatus extends FileStats {
  path: string;
  /** `dev:ino:fingerprintLength:fingerprintHash`. */
  identity: string;
  /** First byte not yet produced. */
  position: number;
  size: number;
  bytesBehind: number;
  linesPerSec: number;
  /** True while a rotated-away file is drained. */
  rotated: boolean;
  lastError: string | null;
}

export interface SourceStatus {
  id: string;
  type: 'file' | 'command' | 'syslog' | 'otlp' | 'journald' | 'containers';
  topic: string;
  /** `starting` while its start() runs (a first scan, its topic recovering after a crash). */
  state: 'starting' | 'running' | 'paused' | 'failed' | 'stopped';
  lines: number;
  linesPerSecond: number;
  cutLines: number;
  parseErrors: number;
  /** Sum over the files of size - position. */
  bytesBehind: number;
  lastError: string | null;
  /** Free-form details (the syslog ports, the command's pid). */
  detail: string | null;
  files: FileStatus[];
  /** Command sources: pid of the running child, exits seen and the last exit code. */
  command?: {
    pid: number | null;
    restarts: number;
    lastExitCode: number | null;
    lastSignal: string | null;
  };
  /** Syslog sources: the bound ports (useful with port 0). */
  listening?: { udp: number | null; tcp: number | null };
  /** Syslog (TCP) and OTLP sources: connections open, refused beyond the limit, closed idle. */
  connections?: ConnectionCounts;
}

export interface Source {
  readonly id: string;
  /** Starts collecting. @throws LogdockError when the topic cannot be created. */
  start(): Promise<void>;
  /**
   * Makes a start in progress end soon with CLOSED (a long first scan), so that shutting
   * down need not wait for it. Sources whose start is short have none.
   */
  abortStart?(): void;
  /** Stops collecting, waits for records in flight, writes the checkpoint. Idempotent. */
  close(): Promise<void>;
  status(): SourceStatus;
}
