import { useState, type FormEvent } from 'react';
import { api, type StudyQuery } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { useLoad } from '../components/hooks';
import { Pager } from '../components/Pager';
import { formatDicomDate, formatPersonName, toDicomDate } from '../format';
import { routeHref } from '../routing';

const PAGE_SIZE = 25;
const EMPTY = { patientName: '', patientId: '', studyDateFrom: '', studyDateTo: '', modality: '', accessionNumber: '' };
type Filter = typeof EMPTY;

function toQuery(f: Filter, offset: number): StudyQuery {
  return {
    patientName: f.patientName.trim(),
    patientId: f.patientId.trim(),
    studyDateFrom: toDicomDate(f.studyDateFrom),
    studyDateTo: toDicomDate(f.studyDateTo),
    modality: f.modality.trim().toUpperCase(),
    accessionNumber: f.accessionNumber.trim(),
    limit: PAGE_SIZE,
    offset,
    sort: '-studyDate',
  };
}

/** Studies from the index, filtered (patient name and ID take * and ? wildcards) and paged. */
export function StudyListPage() {
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [offset, setOffset] = useState(0);
  const studies = useLoad(() => api.studies(toQuery(filter, offset)), [filter, offset]);
  const field = (name: keyof Filter) => ({ name, value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });
  const search = (e: FormEvent): void => {
    e.preventDefault();
    setFilter(draft);
    setOffset(0);
  };
  return (
    <section>
      <h2>Studies</h2>
      <form className="search" onSubmit={search} aria-label="Search studies">
        <label>
          Patient name <input {...field('patientName')} placeholder="DOE^J*" />
        </label>
        <label>
          Patient ID <input {...field('patientId')} />
        </label>
        <label>
          From <input type="date" {...field('studyDateFrom')} />
        </label>
        <label>
          To <input type="date" {...field('studyDateTo')} />
        </label>
        <label>
          Modality <input {...field('modality')} size={4} placeholder="CT" />
        </label>
        <label>
          Accession <input {...field('accessionNumber')} />
        </label>
        <div className="actions">
          <button type="submit" className="primary">
            Search
          </button>
          <button type="button" onClick={() => { setDraft(EMPTY); setFilter(EMPTY); setOffset(0); }}>
            Clear
          </button>
        </div>
      </form>
      <ErrorBanner error={studies.error} />
      <table className="grid" data-testid="study-table">
        <thead>
          <tr>
            <th>Patient</th>
            <th>Patient ID</th>
            <th>Date</th>
            <th>Description</th>
            <th>Accession</th>
            <th>Modalities</th>
            <th className="num">Series</th>
            <th className="num">Instances</th>
          </tr>
        </thead>
        <tbody>
          {studies.data?.items.map((s) => (
            <tr key={s.studyInstanceUid}>
              <td>
                <a href={routeHref({ page: 'study', studyInstanceUid: s.studyInstanceUid })}>{formatPersonName(s.patient.patientName) || '(no name)'}</a>
              </td>
              <td>{s.patient.patientId}</td>
              <td>{formatDicomDate(s.studyDate)}</td>
              <td>{s.studyDescription}</td>
              <td>{s.accessionNumber}</td>
              <td>{s.modalitiesInStudy.join(', ')}</td>
              <td className="num">{s.numberOfSeries}</td>
              <td className="num">{s.numberOfInstances}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {studies.loading && !studies.data && <p className="muted">Loading…</p>}
      {studies.data && <Pager total={studies.data.total} limit={PAGE_SIZE} offset={offset} onOffset={setOffset} />}
    </section>
  );
}
