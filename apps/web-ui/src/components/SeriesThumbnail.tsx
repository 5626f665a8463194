import { useEffect, useState } from 'react';
import { api } from '../api/client';

/** The series' thumbnail, fetched with the token into a blob: URL; a placeholder without one. */
export function SeriesThumbnail({ seriesInstanceUid, modality }: { seriesInstanceUid: string; modality: string | null }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    let objectUrl: string | null = null;
    api.thumbnail(seriesInstanceUid, abort.signal).then(
      (blob) => {
        if (abort.signal.aborted) return;
        if (!blob) return setFailed(true);
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => {
        if (!abort.signal.aborted) setFailed(true);
      },
    );
    return () => {
      abort.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [seriesInstanceUid]);
  if (url) return <img className="thumb" src={url} alt={`Series ${seriesInstanceUid}`} />;
  return (
    <div className="thumb placeholder" aria-label={failed ? 'No thumbnail' : 'Loading thumbnail'}>
      {modality ?? '?'}
    </div>
  );
}
