import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { SeriesSummary, StoredAeMapEntry } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { useLoad } from '../components/hooks';
import { SeriesThumbnail } from '../components/SeriesThumbnail';
import { formatDicomDate, formatDicomTime, formatPersonName } from '../format';
import { ohifViewerUrl, routeHref } from '../routing';

/** AEs a study can be sent to: an address, retrieve permission, no wildcard in the title. */
function destinations(entries: StoredAeMapEntry[]): StoredAeMapEntry[] {
  return entries.filter((e) => e.host !== '' && e.port > 0 && e.retrieve && !/[*?]/.test(e.aeTitle));
}

export function StudyPage({ studyInstanceUid, ohifUrl }: { studyInstanceUid: string; ohifUrl: string | null }) {
  const study = useLoad(() => api.study(studyInstanceUid), [studyInstanceUid]);
  const series = useLoad(() => api.series(studyInstanceUid), [studyInstanceUid]);
  const aes = useLoad(() => api.aeMap(), []);
  const [deleting, setDeleting] = useState<SeriesSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const remove = async (s: SeriesSummary): Promise<void> => {
    setBusy(true);
    try {
      const result = await api.deleteSeries(s.seriesInstanceUid);
      setNotice(`Series ${s.seriesNumber ?? ''} deleted (${result.instances} instances).`);
      series.reload();
      study.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setDeleting(null);
    }
  };

  if (study.error) return <ErrorBanner error={study.error} />;
  const st = study.data;
  if (!st) return <p className="muted">Loading…</p>;
  return (
    <section>
      <p>
        <a href={routeHref({ page: 'studies' })}>‹ Studies</a>
      </p>
      <div className="title-row">
        <h2 data-testid="study-title">{formatPersonName(st.patient.patientName) || '(no name)'}</h2>
        {ohifUrl && (
          <a className="button" href={ohifViewerUrl(ohifUrl, st.studyInstanceUid)} target="_blank" rel="noreferrer">
            Open in OHIF
          </a>
        )}
      </div>
      <ErrorBanner error={error} onDismiss={() => setError(null)} />
      {notice && <div className="notice" role="status">{notice}</div>}
      <div className="columns">
        <dl className="attributes card" aria-label="Patient">
          <dt>Patient ID</dt>
          <dd>{st.patient.patientId}</dd>
          <dt>Issuer</dt>
          <dd>{st.patient.issuerOfPatientId}</dd>
          <dt>Birth date</dt>
          <dd>{formatDicomDate(st.patient.birthDate)}</dd>
          <dt>Sex</dt>
          <dd>{st.patient.sex}</dd>
        </dl>
        <dl className="attributes card" aria-label="Study">
          <dt>Study date</dt>
          <dd>
            {formatDicomDate(st.studyDate)} {formatDicomTime(st.studyTime)}
          </dd>
          <dt>Description</dt>
          <dd>{st.studyDescription}</dd>
          <dt>Accession</dt>
          <dd>{st.accessionNumber}</dd>
          <dt>Study ID</dt>
          <dd>{st.studyId}</dd>
          <dt>Referring physician</dt>
          <dd>{formatPersonName(st.referringPhysicianName)}</dd>
          <dt>Modalities</dt>
          <dd>{st.modalitiesInStudy.join(', ')}</dd>
          <dt>Series / instances</dt>
          <dd>
            {st.numberOfSeries} / {st.numberOfInstances}
          </dd>
          <dt>Study Instance UID</dt>
          <dd className="uid">{st.studyInstanceUid}</dd>
        </dl>
      </div>
      <SendForm studyInstanceUid={st.studyInstanceUid} series={series.data?.items ?? []} entries={destinations(aes.data?.items ?? [])} aeError={aes.error} />
      <h3>Series</h3>
      <ErrorBanner error={series.error} />
      <ul className="series-list" data-testid="series-list">
        {series.data?.items.map((s) => (
          <li key={s.seriesInstanceUid} className="card series" data-series-uid={s.seriesInstanceUid}>
            <SeriesThumbnail seriesInstanceUid={s.seriesInstanceUid} modality={s.modality} />
            <div className="series-info">
              <strong>
                #{s.seriesNumber ?? '–'} {s.modality} {s.seriesDescription}
              </strong>
              <span>{s.numberOfInstances} instances</span>
              <span className="muted">{[s.bodyPartExamined, s.stationName, formatDicomDate(s.seriesDate)].filter(Boolean).join(' · ')}</span>
              <span className="uid">{s.seriesInstanceUid}</span>
            </div>
            <button type="button" className="danger" onClick={() => setDeleting(s)}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      {series.data && series.data.items.length === 0 && <p className="muted">No series left in this study.</p>}
      {deleting && (
        <ConfirmDialog
          title="Delete series?"
          message={`Series #${deleting.seriesNumber ?? '–'} ${deleting.seriesDescription ?? ''} (${deleting.numberOfInstances} instances) is removed from the index and from storage. This cannot be undone.`}
          confirmLabel="Delete series"
          busy={busy}
          onConfirm={() => void remove(deleting)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </section>
  );
}

/** Sends the study, or one of its series, to an AE of the AE map as a job (POST /api/jobs/send). */
function SendForm({ studyInstanceUid, series, entries, aeError }: { studyInstanceUid: string; series: SeriesSummary[]; entries: StoredAeMapEntry[]; aeError: string | null }) {
  const [destination, setDestination] = useState('');
  const [scope, setScope] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!destination) return setError('Choose a destination AE.');
    setBusy(true);
    setError(null);
    try {
      const job = await api.sendToAe({ destination, studyInstanceUid, ...(scope ? { seriesInstanceUid: scope } : {}) });
      setSent(`Send job ${job.id} ${job.state} → ${destination}`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card send" onSubmit={(e) => void submit(e)} aria-label="Send to AE">
      <h3>Send to AE</h3>
      <label>
        Destination
        <select name="destination" value={destination} onChange={(e) => setDestination(e.target.value)}>
          <option value="">Choose…</option>
          {entries.map((e) => (
            <option key={e.id} value={e.aeTitle}>
              {e.aeTitle} ({e.host}:{e.port})
            </option>
          ))}
        </select>
      </label>
      <label>
        What
        <select name="scope" value={scope} onChange={(e) => setScope(e.target.value)}>
          <option value="">Whole study</option>
          {series.map((s) => (
            <option key={s.seriesInstanceUid} value={s.seriesInstanceUid}>
              Series #{s.seriesNumber ?? '–'} {s.modality} {s.seriesDescription}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={busy}>
        Send
      </button>
      <ErrorBanner error={error ?? aeError} />
      {sent && (
        <div className="notice" role="status">
          {sent} — <a href={routeHref({ page: 'jobs' })}>see jobs</a>
        </div>
      )}
    </form>
  );
}
