import { useState, type FormEvent } from 'react';
import { api, errorText } from '../api/client';
import type { AeMapEntry, StoredAeMapEntry } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorBanner } from '../components/ErrorBanner';
import { useLoad } from '../components/hooks';

interface Draft {
  aeTitle: string;
  host: string;
  port: string;
  description: string;
  preferredTransferSyntax: string;
  tls: boolean;
  store: boolean;
  query: boolean;
  retrieve: boolean;
}

const NEW: Draft = { aeTitle: '', host: '', port: '104', description: '', preferredTransferSyntax: '', tls: false, store: true, query: true, retrieve: true };

function toDraft(e: StoredAeMapEntry): Draft {
  return { ...e, port: String(e.port), description: e.description ?? '', preferredTransferSyntax: e.preferredTransferSyntax ?? '' };
}

/** The body the API checks (checkAeMapEntry): the port as a number so a typo comes back as a 400 naming "port". */
function toBody(d: Draft): Partial<AeMapEntry> & { port: number } {
  const port = /^\d+$/.test(d.port.trim()) ? Number(d.port.trim()) : Number.NaN;
  return {
    aeTitle: d.aeTitle.trim(),
    host: d.host.trim(),
    port: Number.isNaN(port) ? -1 : port,
    tls: d.tls,
    store: d.store,
    query: d.query,
    retrieve: d.retrieve,
    description: d.description.trim(),
    preferredTransferSyntax: d.preferredTransferSyntax.trim(),
  };
}

/** The AE map (acrnema.map): who may store, query and retrieve, and where to send. */
export function AeMapPage() {
  const entries = useLoad(() => api.aeMap(), []);
  const [editing, setEditing] = useState<{ id: string | null; draft: Draft } | null>(null);
  const [removing, setRemoving] = useState<StoredAeMapEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!editing) return;
    setBusy(true);
    setError(null);
    try {
      if (editing.id) await api.updateAe(editing.id, toBody(editing.draft));
      else await api.addAe(toBody(editing.draft));
      setEditing(null);
      entries.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async (entry: StoredAeMapEntry): Promise<void> => {
    setBusy(true);
    try {
      await api.deleteAe(entry.id);
      entries.reload();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]): void => setEditing((ed) => (ed ? { ...ed, draft: { ...ed.draft, [key]: value } } : ed));

  return (
    <section>
      <div className="title-row">
        <h2>AE map</h2>
        <button type="button" className="primary" onClick={() => { setError(null); setEditing({ id: null, draft: NEW }); }}>
          Add AE
        </button>
      </div>
      <p className="muted">First match wins; * and ? in a title are wildcards. Entries from the configuration come back as configured at the next start.</p>
      <ErrorBanner error={entries.error ?? (editing ? null : error)} onDismiss={() => setError(null)} />
      {editing && (
        <form className="card ae-form" onSubmit={(e) => void save(e)} aria-label={editing.id ? 'Edit AE' : 'Add AE'}>
          <h3>{editing.id ? `Edit ${editing.draft.aeTitle}` : 'Add AE'}</h3>
          <label>
            AE title <input name="aeTitle" value={editing.draft.aeTitle} onChange={(e) => set('aeTitle', e.target.value)} maxLength={16} required />
          </label>
          <label>
            Host <input name="host" value={editing.draft.host} onChange={(e) => set('host', e.target.value)} />
          </label>
          <label>
            Port <input name="port" value={editing.draft.port} onChange={(e) => set('port', e.target.value)} inputMode="numeric" size={6} />
          </label>
          <label>
            Description <input name="description" value={editing.draft.description} onChange={(e) => set('description', e.target.value)} />
          </label>
          <label>
            Preferred transfer syntax <input name="preferredTransferSyntax" value={editing.draft.preferredTransferSyntax} onChange={(e) => set('preferredTransferSyntax', e.target.value)} placeholder="1.2.840.10008.1.2.1" />
          </label>
          <fieldset>
            <legend>Allowed</legend>
            {(['store', 'query', 'retrieve', 'tls'] as const).map((k) => (
              <label key={k} className="check">
                <input type="checkbox" name={k} checked={editing.draft[k]} onChange={(e) => set(k, e.target.checked)} /> {k === 'tls' ? 'TLS' : k}
              </label>
            ))}
          </fieldset>
          <ErrorBanner error={error} />
          <div className="actions">
            <button type="button" onClick={() => setEditing(null)}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              Save
            </button>
          </div>
        </form>
      )}
      <table className="grid" data-testid="ae-table">
        <thead>
          <tr>
            <th>AE title</th>
            <th>Host</th>
            <th className="num">Port</th>
            <th>Store</th>
            <th>Query</th>
            <th>Retrieve</th>
            <th>Description</th>
            <th>Source</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {entries.data?.items.map((e) => (
            <tr key={e.id} data-ae={e.aeTitle}>
              <td>{e.aeTitle}</td>
              <td>{e.host}</td>
              <td className="num">{e.port}</td>
              <td>{e.store ? '✓' : ''}</td>
              <td>{e.query ? '✓' : ''}</td>
              <td>{e.retrieve ? '✓' : ''}</td>
              <td>{e.description}</td>
              <td>{e.source}</td>
              <td className="row-actions">
                <button type="button" onClick={() => { setError(null); setEditing({ id: e.id, draft: toDraft(e) }); }}>
                  Edit
                </button>
                <button type="button" className="danger" onClick={() => setRemoving(e)}>
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <ConfirmDialog
          title="Delete AE?"
          message={`${removing.aeTitle} is removed from the AE map on every listener at once.`}
          confirmLabel="Delete AE"
          busy={busy}
          onConfirm={() => void remove(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </section>
  );
}
