// Hash routes (#/studies, #/studies/<uid>, #/ae-map, #/status, #/jobs): the server needs no
// route table, and a reload keeps the page. Pure parse and format, tested in test/ui.

export type Route =
  | { page: 'studies' }
  | { page: 'study'; studyInstanceUid: string }
  | { page: 'ae-map' }
  | { page: 'status' }
  | { page: 'jobs' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second] = parts;
  if (first === 'studies' && second) return { page: 'study', studyInstanceUid: second };
  if (first === 'ae-map') return { page: 'ae-map' };
  if (first === 'status') return { page: 'status' };
  if (first === 'jobs') return { page: 'jobs' };
  return { page: 'studies' };
}

export function routeHref(route: Route): string {
  switch (route.page) {
    case 'study':
      return `#/studies/${encodeURIComponent(route.studyInstanceUid)}`;
    case 'studies':
    case 'ae-map':
    case 'status':
    case 'jobs':
      return `#/${route.page}`;
  }
}

/** The OHIF viewer link of a study (OHIF reads StudyInstanceUIDs from its /viewer route). */
export function ohifViewerUrl(ohifUrl: string, studyInstanceUid: string): string {
  return `${ohifUrl.replace(/\/+$/, '')}/viewer?StudyInstanceUIDs=${encodeURIComponent(studyInstanceUid)}`;
}
