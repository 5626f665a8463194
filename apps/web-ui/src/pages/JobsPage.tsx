import { useEffect, useState } from 'react';
import { api, ApiError, errorText } from '../api/client';
import type { Job, JobState } from '../api/types';
import { ErrorBanner } from '../components/ErrorBanner';
import { usePolling } from '../components/hooks';
import { Pager } from '../components/Pager';
import { jobProgress } from '../format';

const POLL_MS = 2_000;
const PAGE_SIZE = 25;
const STATES: JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled'];

/** Jobs (sends, moves…) with their state and progress, refreshed every few seconds; cancel. */
export function JobsPage() {
  const [state, setState] = useState('');
  const [offset, setOffset] = useState(0);
  const [jobs, setJobs] = useState<{ items: Job[]; total: number }>();
  const [error, setError] = useState<string | null>(null);
  const [missing, setMissing] = useState(false);

  const load = async (): Promise<void> => {
    try {
      setJobs(await api.jobs({ state, limit: PAGE_SIZE, offset }));
      setError(null);
      setMissing(false);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setMissing(true);
      else setError(errorText(err));
    }
  };
  usePolling(load, POLL_MS);
  useEffect(() => {
    void load();
  }, [state, offset]);

  const cancel = async (job: Job): Promise<void> => {
    try {
      await api.cancelJob(job.id);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section>
      <div className="title-row">
        <h2>Jobs</h2>
        <label>
          State{' '}
          <select name="state" value={state} onChange={(e) => { setState(e.target.value); setOffset(0); }}>
            <option value="">Any</option>
            {STATES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={error} />
      {missing && <p className="muted">This server has no jobs API.</p>}
      <table className="grid" data-testid="jobs-table">
        <thead>
          <tr>
            <th>Created</th>
            <th>Kind</th>
            <th>Target</th>
            <th>Destination</th>
            <th>State</th>
            <th>Progress</th>
            <th className="num">Attempts</th>
            <th>Last error</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs?.items.map((job) => {
            const progress = jobProgress(job);
            return (
              <tr key={job.id} data-job-id={job.id}>
                <td>{new Date(job.createdAt).toLocaleString()}</td>
                <td>{job.kind}</td>
                <td className="uid">{job.target}</td>
                <td>{job.destination}</td>
                <td>
                  <span className={`state state-${job.state}`} data-testid="job-state">
                    {job.state}
                  </span>
                </td>
                <td>
                  {progress !== null && (
                    <span className="progress">
                      <progress max={1} value={progress} /> {Math.round(progress * 100)}%
                      {job.total != null && job.remaining != null && <span className="muted"> ({job.total - job.remaining}/{job.total})</span>}
                    </span>
                  )}
                </td>
                <td className="num">
                  {job.attempts}/{job.maxAttempts}
                </td>
                <td className="error-text">{job.lastError}</td>
                <td>
                  {(job.state === 'queued' || job.state === 'running') && (
                    <button type="button" className="danger" onClick={() => void cancel(job)}>
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {jobs && <Pager total={jobs.total} limit={PAGE_SIZE} offset={offset} onOffset={setOffset} />}
    </section>
  );
}
