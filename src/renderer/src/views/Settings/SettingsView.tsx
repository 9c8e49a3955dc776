import { useEffect, useState } from 'react';
import type { SettingsPatch, Theme } from '../../../../common/api/settings';
import { useAppStore } from '../../store';
import { ErrorLine } from '../ops-common/ErrorLine';
import { ClustersPanel } from './ClustersPanel';
import { formatBytes, formatDuration, parseBytes, parseDuration } from '../ops-common/format';
import '../ops-common/ops.css';

interface Draft {
  dataDir: string;
  listenerEnabled: boolean;
  host: string;
  port: string;
  /** The listener's TLS files (all empty: plaintext). */
  tlsCert: string;
  tlsKey: string;
  tlsCa: string;
  theme: Theme;
  retention: string;
  retentionBytes: string;
}

/** Turns the form into a settings patch, or the first field error. */
export function draftToPatch(d: Draft): { patch: SettingsPatch } | { error: string } {
  const port = Number(d.port);
  if (!/^\d+$/.test(d.port.trim()) || port > 65535)
    return { error: 'Port: a number from 0 to 65535' };
  if (!/^[A-Za-z0-9.:-]+$/.test(d.host.trim()))
    return { error: 'Address: a host name or IP address' };
  const tls = listenerTls(d);
  if ('error' in tls) return tls;
  const retentionMs = parseDuration(d.retention);
  if (retentionMs === null) return { error: 'Default retention: e.g. 7d, 12h, 30m or forever' };
  const retentionBytes = parseBytes(d.retentionBytes);
  if (retentionBytes === null)
    return { error: 'Default retention size: e.g. 1GiB, 500MiB or unlimited' };
  return {
    patch: {
      dataDir: d.dataDir.trim() === '' ? null : d.dataDir.trim(),
      kafkaListener: { enabled: d.listenerEnabled, host: d.host.trim(), port, tls: tls.tls },
      theme: d.theme,
      defaultRetentionMs: retentionMs,
      defaultRetentionBytes: retentionBytes,
    },
  };
}

/** The listener's TLS setting from the form: certificate and key together, CA only with them. */
function listenerTls(
  d: Draft,
): { tls: NonNullable<SettingsPatch['kafkaListener']>['tls'] } | { error: string } {
  const [certFile, keyFile, caFile] = [d.tlsCert.trim(), d.tlsKey.trim(), d.tlsCa.trim()];
  if (certFile === '' && keyFile === '') {
    if (caFile !== '') return { error: 'TLS: a client CA needs the certificate and key too' };
    return { tls: null };
  }
  if (certFile === '' || keyFile === '')
    return { error: 'TLS: the certificate and its key go together' };
  return { tls: { certFile, keyFile, caFile: caFile === '' ? null : caFile } };
}

/**
 * Application settings: data directory and Kafka listener (applied at the next start),
 * theme and default retention for new topics (applied at once).
 */
export function SettingsView() {
  const view = useAppStore((s) => s.settings.view);
  const error = useAppStore((s) => s.settings.error);
  const saving = useAppStore((s) => s.settings.saving);
  const savedAt = useAppStore((s) => s.settings.savedAt);
  const loadSettings = useAppStore((s) => s.loadSettings);
  const saveSettings = useAppStore((s) => s.saveSettings);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  // The form starts from the saved values once, and again after each save; a reload of the
  // same values while the person is typing must not wipe what they typed.
  const settings = view?.settings;
  const [startedFrom, setStartedFrom] = useState<number | null | undefined>(undefined);
  useEffect(() => {
    if (!settings) return;
    if (startedFrom !== undefined && (savedAt === null || savedAt === startedFrom)) return;
    setStartedFrom(savedAt);
    const s = settings;
    setDraft({
      dataDir: s.dataDir ?? '',
      listenerEnabled: s.kafkaListener.enabled,
      host: s.kafkaListener.host,
      port: String(s.kafkaListener.port),
      tlsCert: s.kafkaListener.tls?.certFile ?? '',
      tlsKey: s.kafkaListener.tls?.keyFile ?? '',
      tlsCa: s.kafkaListener.tls?.caFile ?? '',
      theme: s.theme,
      retention: formatDuration(s.defaultRetentionMs),
      retentionBytes:
        s.defaultRetentionBytes < 0
          ? 'unlimited'
          : formatBytes(s.defaultRetentionBytes).replace(' ', ''),
    });
  }, [settings, savedAt, startedFrom]);

  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) =>
      setDraft((d) => (d ? { ...d, [key]: value } : d));

  const save = async () => {
    if (!draft) return;
    const built = draftToPatch(draft);
    if ('error' in built) {
      setFormError(built.error);
      return;
    }
    setFormError(null);
    await saveSettings(built.patch);
  };

  return (
    <section className="ops-view" data-testid="settings-view">
      <h1>Settings</h1>
      <ErrorLine error={error} testId="settings-error" />
      {view?.loadError && (
        <p className="ops-warning">The settings file could not be read: {view.loadError}</p>
      )}
      {view && draft && (
        <>
          <p className="ops-note">
            Saved in <code>{view.path}</code>.
          </p>
          <div className="ops-form">
            <label htmlFor="set-datadir">Data directory</label>
            <input
              id="set-datadir"
              placeholder={view.activeDataDir}
              value={draft.dataDir}
              onChange={(e) => set('dataDir')(e.target.value)}
            />
            <span />
            <span className="ops-note">
              In use now: <code>{view.activeDataDir}</code>. Applies at the next start without{' '}
              <code>--data-dir</code>; empty keeps the default.
            </span>
            <label htmlFor="set-listener">Kafka listener</label>
            <span>
              <input
                id="set-listener"
                type="checkbox"
                checked={draft.listenerEnabled}
                onChange={(e) => set('listenerEnabled')(e.target.checked)}
              />{' '}
              serve the Kafka protocol
            </span>
            <label htmlFor="set-host">Address</label>
            <input id="set-host" value={draft.host} onChange={(e) => set('host')(e.target.value)} />
            <label htmlFor="set-port">Port</label>
            <input
              id="set-port"
              value={draft.port}
              inputMode="numeric"
              onChange={(e) => set('port')(e.target.value)}
            />
            <span />
            <ListenerNote active={view.activeKafkaListener} saved={view.settings.kafkaListener} />
            <label htmlFor="set-tls-cert">TLS certificate (PEM)</label>
            <input
              id="set-tls-cert"
              placeholder="empty: plaintext"
              value={draft.tlsCert}
              onChange={(e) => set('tlsCert')(e.target.value)}
            />
            <label htmlFor="set-tls-key">TLS key (PEM)</label>
            <input
              id="set-tls-key"
              value={draft.tlsKey}
              onChange={(e) => set('tlsKey')(e.target.value)}
            />
            <label htmlFor="set-tls-ca">Client CA (PEM, optional)</label>
            <input
              id="set-tls-ca"
              value={draft.tlsCa}
              onChange={(e) => set('tlsCa')(e.target.value)}
            />
            <span />
            <span className="ops-note">
              With a certificate and key, clients connect with <code>security.protocol=SSL</code>{' '}
              (or <code>SASL_SSL</code>); with a client CA they must present a certificate it
              signed. Files are checked at the next start; a wrong one is named in the log and the
              listener stays off.
            </span>
            <label htmlFor="set-theme">Theme</label>
            <select
              id="set-theme"
              value={draft.theme}
              onChange={(e) => set('theme')(e.target.value as Theme)}
            >
              <option value="system">Follow the system</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
            <label htmlFor="set-retention">Default retention (new topics)</label>
            <input
              id="set-retention"
              value={draft.retention}
              onChange={(e) => set('retention')(e.target.value)}
            />
            <label htmlFor="set-retention-bytes">Default retention size</label>
            <input
              id="set-retention-bytes"
              value={draft.retentionBytes}
              onChange={(e) => set('retentionBytes')(e.target.value)}
            />
          </div>
          {formError && <p className="ops-error">{formError}</p>}
          <div className="ops-actions">
            <button
              className="primary"
              data-testid="settings-save"
              disabled={saving}
              onClick={() => void save()}
            >
              Save
            </button>
            {savedAt && !saving && <span data-testid="settings-saved">Saved.</span>}
          </div>
          {view.restartRequired.length > 0 && (
            <p className="ops-warning" data-testid="settings-restart">
              Restart Logdock to apply:{' '}
              {view.restartRequired
                .map((f) => (f === 'dataDir' ? 'data directory' : 'Kafka listener'))
                .join(', ')}
              .
            </p>
          )}
        </>
      )}
      <ClustersPanel />
    </section>
  );
}

/**
 * What the listener serves on now beside what is saved: a run started with `--kafka-port`
 * (or `--kafka-host`) serves elsewhere than the saved setting, and says so rather than
 * showing the saved port as if it were the one in use.
 */
function ListenerNote({
  active,
  saved,
}: {
  active: string | null;
  saved: { enabled: boolean; host: string; port: number };
}) {
  const savedAddress = `${saved.host}:${saved.port}`;
  const differs = active !== null && saved.enabled && active !== savedAddress;
  return (
    <span className="ops-note" data-testid="listener-active">
      Serving now: <code>{active ?? 'off'}</code>
      {differs && (
        <>
          {' '}
          — given on the command line for this run; the address above applies when Logdock starts
          without <code>--kafka-port</code>.
        </>
      )}
    </span>
  );
}
