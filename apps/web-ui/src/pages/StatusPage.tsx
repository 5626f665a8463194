import { useRef, useState } from 'react';
import { api, errorText } from '../api/client';
import type { Statistics, SystemStatus, TierUsage } from '../api/types';
import { ErrorBanner } from '../components/ErrorBanner';
import { usePolling } from '../components/hooks';
import { LineChart } from '../components/LineChart';
import { formatBytes, formatDuration } from '../format';
import { addSample, type Sample, type Series } from '../metrics';
import { tierRows } from '../tiers';

const POLL_MS = 3_000;
/** Bytes per tier sum every stored object's location: asked for less often. */
const TIER_POLL_MS = 30_000;

interface Counts {
  patients: number;
  studies: number;
}

/** Services, counts, storage tiers and stream lag, polled every few seconds with two charts. */
export function StatusPage() {
  const [status, setStatus] = useState<SystemStatus>();
  const [stats, setStats] = useState<Statistics>();
  const [counts, setCounts] = useState<Counts>();
  const [series, setSeries] = useState<Series>({ throughput: [], lag: [] });
  const [error, setError] = useState<string | null>(null);
  const [usage, setUsage] = useState<TierUsage[]>();
  const previous = useRef<Sample | null>(null);

  usePolling(async () => {
    try {
      setUsage((await api.statistics(true)).tiers);
    } catch (err) {
      setError(errorText(err));
    }
  }, TIER_POLL_MS);

  usePolling(async () => {
    try {
      const [st, sx, patients, studies] = await Promise.all([
        api.status(),
        api.statistics(),
        api.studies({ limit: 1, offset: 0 }).then((p) => p.total),
        api.patients({ limit: 1, offset: 0 }).then((p) => p.total),
      ]);
      const sample: Sample = { at: Date.now(), instances: sx.instances, indexerLag: st.indexerLag };
      setSeries((s) => addSample(s, previous.current, sample));
      previous.current = sample;
      setStatus(st);
      setStats(sx);
      setCounts({ patients, studies });
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, POLL_MS);

  const tiers = status ? tierRows({ ingestTier: status.config.ingest?.tier, defaultStore: status.config.storage?.driver, tiers: status.config.storage?.tiers ?? [] }, usage) : [];
  return (
    <section>
      <h2>Status</h2>
      <ErrorBanner error={error} />
      {status && (
        <div className="columns">
          <div className="card">
            <h3>System</h3>
            <dl className="attributes">
              <dt>Mode</dt>
              <dd>{status.mode}</dd>
              <dt>Ready</dt>
              <dd className={status.ready.status === 'ok' ? 'ok' : 'bad'} data-testid="ready">
                {status.ready.status}
                {status.ready.draining ? ' (draining)' : ''}
              </dd>
              <dt>Uptime</dt>
              <dd>{formatDuration(status.uptimeSeconds)}</dd>
              <dt>Node.js</dt>
              <dd>{status.node}</dd>
              <dt>Indexer lag</dt>
              <dd data-testid="indexer-lag">{status.indexerLag ?? 'unknown'}</dd>
            </dl>
            <h3>Services</h3>
            <ul className="checks" data-testid="checks">
              {Object.entries(status.ready.checks).map(([name, check]) => (
                <li key={name} className={check.ok ? 'ok' : 'bad'} title={check.error}>
                  {check.ok ? '●' : '○'} {name}
                  {check.error ? `: ${check.error}` : ''}
                </li>
              ))}
            </ul>
          </div>
          <div className="card">
            <h3>Archive</h3>
            <dl className="attributes" data-testid="counts">
              <dt>Patients</dt>
              <dd>{counts?.patients ?? '…'}</dd>
              <dt>Studies</dt>
              <dd>{counts?.studies ?? '…'}</dd>
              <dt>Instances</dt>
              <dd data-testid="instance-count">{stats?.instances ?? '…'}</dd>
            </dl>
            <h3>Storage tiers</h3>
            <table className="grid compact" data-testid="tiers">
              <thead>
                <tr>
                  <th>Tier</th>
                  <th>Role</th>
                  <th>Store</th>
                  <th className="num">Objects</th>
                  <th className="num">Bytes</th>
                  <th className="num">Cleanup above</th>
                </tr>
              </thead>
              <tbody>
                {tiers.map((t) => (
                  <tr key={t.name} data-tier={t.name}>
                    <td>{t.name}</td>
                    <td>{t.role}</td>
                    <td>{t.store}</td>
                    <td className="num">{t.objects ?? '…'}</td>
                    <td className="num">{t.bytes === undefined ? '…' : formatBytes(t.bytes)}</td>
                    <td className="num">{formatBytes(t.cleanupThresholdBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <div className="columns">
        <LineChart title={`Received instances per ${POLL_MS / 1000} s`} unit="instances" points={series.throughput} testId="chart-throughput" />
        <LineChart title="Indexer lag" unit="events" points={series.lag} testId="chart-lag" />
      </div>
    </section>
  );
}

