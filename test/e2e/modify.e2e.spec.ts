// Modify, anonymize and merge studies (issue 7, Conquest dgate's modify/anonymize/merge) end to
// end on the embedded system with auth on: data sent with DCMTK storescu, checked with findscu
// (C-FIND) and dcmdump of the object downloaded from /api/instances/:uid/file. Anonymizing
// follows PS3.15 E.1 (Basic Application Level Confidentiality Profile) with the pixel data
// unchanged; modify replaces the objects under their UIDs (or copies them with new UIDs); merge
// moves the series of one study into another and deletes the emptied study.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readDataSet, readFileMetaInformation, type DataSet } from '@pacs/dicom';
import { adminHttp, makeDataset, startPacsProcess, storeAndWaitIndexed, type PacsProcess } from '@pacs/testing';
import { run } from '../interop/support/processes';

const TOKEN = 'modify-e2e-admin-token-0123456789';
const SHAPE = { patients: 3, studiesPerPatient: 1, seriesPerStudy: 2, instancesPerSeries: 2, size: 8 };
const PIXEL_DATA = 0x7fe00010;

const k = (keys: Record<string, string>): string[] => Object.entries(keys).flatMap(([key, value]) => ['-k', value === '' ? key : `${key}=${value}`]);

function dataSetOf(bytes: Buffer): DataSet {
  const { meta, dataSetOffset } = readFileMetaInformation(bytes);
  return readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
}

describe('modify, anonymize and merge studies (embedded, auth on)', () => {
  const work = mkdtempSync(join(tmpdir(), 'pacs-modify-e2e-'));
  const generated = makeDataset(join(work, 'dataset'), SHAPE);
  const studyOf = (patient: number): string => generated.find((g) => g.patientId === `PID${String(patient).padStart(4, '0')}`)!.studyInstanceUid;
  const [anonymized, renamed, target] = [studyOf(0), studyOf(1), studyOf(2)];
  let pacs: PacsProcess;
  let http: number;
  let dicom: number;

  const { api, json, post } = adminHttp(() => http, TOKEN);
  const count = async (): Promise<number> => (await json('/api/statistics')).body['instances'] as number;

  async function findscu(keys: Record<string, string>): Promise<DataSet[]> {
    const out = mkdtempSync(join(work, 'find-'));
    const r = await run('findscu', ['-X', '-od', out, '-S', '-aet', 'VIEWER', '-aec', 'PACS', ...k(keys), '127.0.0.1', String(dicom)]);
    assert.equal(r.code, 0, r.output);
    return readdirSync(out).sort().map((name) => {
      const bytes = readFileSync(join(out, name));
      const { meta, dataSetOffset } = readFileMetaInformation(bytes);
      return readDataSet(bytes.subarray(dataSetOffset), meta.transferSyntaxUid);
    });
  }

  /** The SOP Instance UIDs of a study, through the browse API. */
  async function instancesOf(study: string): Promise<string[]> {
    const series = (await json(`/api/studies/${study}/series`)).body['items'] as { seriesInstanceUid: string }[];
    const out: string[] = [];
    for (const s of series) out.push(...((await json(`/api/series/${s.seriesInstanceUid}/instances`)).body['items'] as { sopInstanceUid: string }[]).map((i) => i.sopInstanceUid));
    return out.sort();
  }

  async function download(sopInstanceUid: string): Promise<{ path: string; bytes: Buffer }> {
    const res = await api(`/api/instances/${sopInstanceUid}/file`);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const path = join(work, `${sopInstanceUid}.dcm`);
    writeFileSync(path, bytes);
    return { path, bytes };
  }

  before(async () => {
    // Studies of 4 instances fit; the target after the merge (8) is above the limit.
    pacs = startPacsProcess('all-in-one', { PACS_HTTP__AUTH__ENABLED: 'true', PACS_HTTP__AUTH__ADMINTOKEN: TOKEN, PACS_HTTP__MAXREWRITEINSTANCES: '7' });
    dicom = await pacs.listeningPort('DICOM');
    http = await pacs.listeningPort('HTTP');
        await storeAndWaitIndexed(dicom, generated.map((g) => g.path), count);
  });
  after(async () => {
    await pacs?.stop('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  test('anonymize (PS3.15 E.1): C-FIND finds the new study under the new patient; no original identifier in dcmdump; pixel data equal', async () => {
    const originals = generated.filter((g) => g.studyInstanceUid === anonymized);
    const answer = await post(`/api/studies/${anonymized}/anonymize`, { patientName: 'ANON^SUBJECT', patientId: 'SUBJ-001' });
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const newStudy = answer.body['studyInstanceUid'] as string;
    assert.equal(answer.body['instances'], originals.length);
    assert.notEqual(newStudy, anonymized);
    assert.match(newStudy, /^2\.25\.\d+$/);

    const found = await findscu({ QueryRetrieveLevel: 'STUDY', PatientID: 'SUBJ-001', StudyInstanceUID: '', PatientName: '', NumberOfStudyRelatedInstances: '', AccessionNumber: '' });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.getUid(0x0020000d), newStudy);
    assert.equal(found[0]!.getString(0x00100010), 'ANON^SUBJECT');
    assert.equal(found[0]!.getString(0x00201208), String(originals.length));
    assert.equal(found[0]!.getString(0x00080050), '', 'Accession Number zeroed (Z)');
    // The original is kept (no deleteOriginal).
    assert.equal((await findscu({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: anonymized })).length, 1);
    assert.equal(await count(), generated.length + originals.length);

    const copies = await instancesOf(newStudy);
    assert.equal(copies.length, originals.length);
    const { path, bytes } = await download(copies[0]!);
    const dump = await run('dcmdump', ['+L', path]);
    assert.equal(dump.code, 0, dump.output);
    const forbidden = [
      'TEST^PATIENT0', 'PID0000', 'ACC00', 'Study 0 of PID0000', '19700101', 'PACS TEST PRIVATE', anonymized,
      ...originals.flatMap((g) => [g.sopInstanceUid, g.seriesInstanceUid]),
    ];
    for (const value of forbidden) assert.equal(dump.output.includes(value), false, `${value} still in the anonymized object:\n${dump.output}`);
    assert.match(dump.output, /\(0012,0062\) CS \[YES\]/);
    assert.match(dump.output, /\(0008,0100\) SH \[113100\]/);
    assert.match(dump.output, /\(0008,0102\) SH \[DCM\]/);

    const copy = dataSetOf(bytes);
    const source = dataSetOf(readFileSync(originals[0]!.path));
    assert.ok(copy.getBytes(PIXEL_DATA)?.equals(source.getBytes(PIXEL_DATA) as Buffer), 'pixel data equal');

    // Safe to repeat: the same study, the same instances, nothing added.
    const again = await post(`/api/studies/${anonymized}/anonymize`, { patientName: 'ANON^SUBJECT', patientId: 'SUBJ-001' });
    assert.equal(again.status, 202);
    assert.equal(again.body['studyInstanceUid'], newStudy);
    assert.deepEqual(await instancesOf(newStudy), copies);
    assert.equal(await count(), generated.length + originals.length);

    // modify with newUids on the copy: a new study, the copy it came from deleted.
    const moved = await post(`/api/studies/${newStudy}/modify`, { set: { StudyDescription: 'Research cohort' }, newUids: true });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const renumbered = moved.body['studyInstanceUid'] as string;
    assert.notEqual(renumbered, newStudy);
    assert.equal((await json(`/api/studies/${newStudy}`)).status, 404);
    const study = await json(`/api/studies/${renumbered}`);
    assert.equal(study.body['studyDescription'], 'Research cohort');
    assert.equal(study.body['numberOfInstances'], originals.length);
    assert.equal(await count(), generated.length + originals.length);
  });

  test('modify PatientName without new UIDs: C-FIND shows the new name, same UIDs, instance count unchanged', async () => {
    const before = await count();
    const uids = await instancesOf(renamed);
    const answer = await post(`/api/studies/${renamed}/modify`, { set: { PatientName: 'RENAMED^PATIENT', AccessionNumber: 'NEWACC1' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.deepEqual(answer.body, { studyInstanceUid: renamed, instances: uids.length });
    const found = await findscu({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: renamed, PatientName: '', AccessionNumber: '', NumberOfStudyRelatedInstances: '' });
    assert.equal(found.length, 1);
    assert.equal(found[0]!.getString(0x00100010), 'RENAMED^PATIENT');
    assert.equal(found[0]!.getString(0x00080050), 'NEWACC1');
    assert.equal(found[0]!.getString(0x00201208), String(uids.length));
    assert.equal(await count(), before);
    assert.deepEqual(await instancesOf(renamed), uids);
    const stored = dataSetOf((await download(uids[0]!)).bytes);
    assert.equal(stored.getString(0x00100010), 'RENAMED^PATIENT', 'the stored object itself was replaced');
  });

  test('merge: the series of one study become series of the other, which has them all; the source is gone', async () => {
    const before = await count();
    const sourceInstances = await instancesOf(renamed);
    const targetInstances = await instancesOf(target);
    const sourceSeries = [...new Set(generated.filter((g) => g.studyInstanceUid === renamed).map((g) => g.seriesInstanceUid))];
    const answer = await post(`/api/studies/${renamed}/merge`, { into: target });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body['studyInstanceUid'], target);
    assert.equal(answer.body['merged'], sourceInstances.length);

    assert.equal((await findscu({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: renamed })).length, 0, 'source study gone');
    const study = await findscu({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: target, NumberOfStudyRelatedInstances: '', NumberOfStudyRelatedSeries: '' });
    assert.equal(study[0]!.getString(0x00201208), String(sourceInstances.length + targetInstances.length));
    assert.equal(study[0]!.getString(0x00201206), '4');
    const series = await findscu({ QueryRetrieveLevel: 'SERIES', StudyInstanceUID: target, SeriesInstanceUID: '' });
    for (const uid of sourceSeries) assert.ok(series.some((s) => s.getUid(0x0020000e) === uid), `series ${uid} is in the target study`);
    assert.deepEqual(await instancesOf(target), [...sourceInstances, ...targetInstances].sort(), 'same SOP Instance UIDs');
    const moved = dataSetOf((await download(sourceInstances[0]!)).bytes);
    assert.equal(moved.getUid(0x0020000d), target);
    assert.equal(moved.getString(0x00100010), 'TEST^PATIENT2', 'the target\'s patient');
    assert.equal(await count(), before);
  });

  test('bad input: 400 naming the field, 404 unknown study, 409 same study, 413 above the limit, 403 for viewers; audited', async () => {
    const unknown = '1.2.3.999999';
    for (const op of ['anonymize', 'modify', 'merge']) {
      const body = op === 'modify' ? { set: { PatientName: 'X' } } : op === 'merge' ? { into: target } : {};
      assert.equal((await post(`/api/studies/${unknown}/${op}`, body)).status, 404, op);
      const bad = await post(`/api/studies/1.02.3/${op}`, body);
      assert.equal(bad.status, 400, op);
      assert.match(bad.body['detail'] as string, /Study Instance UID/);
    }
    const notAllowed = await post(`/api/studies/${target}/modify`, { set: { Modality: 'MR' } });
    assert.equal(notAllowed.status, 400);
    assert.match(notAllowed.body['detail'] as string, /set\.Modality/);
    const badDate = await post(`/api/studies/${target}/modify`, { set: { StudyDate: '2024-13-01' } });
    assert.equal(badDate.status, 400);
    assert.match(badDate.body['detail'] as string, /set\.StudyDate/);
    const keepUid = await post(`/api/studies/${target}/anonymize`, { keep: ['StudyInstanceUID'] });
    assert.equal(keepUid.status, 400);
    assert.match(keepUid.body['detail'] as string, /keep\[0\]/);
    const self = await post(`/api/studies/${target}/merge`, { into: target });
    assert.equal(self.status, 409);
    const noInto = await post(`/api/studies/${target}/merge`, { into: 'x' });
    assert.equal(noInto.status, 400);
    assert.match(noInto.body['detail'] as string, /into/);
    const intoUnknown = await post(`/api/studies/${target}/merge`, { into: unknown });
    assert.equal(intoUnknown.status, 404);

    const tooLarge = await post(`/api/studies/${target}/modify`, { set: { PatientName: 'X' } });
    assert.equal(tooLarge.status, 413);
    assert.match(tooLarge.body['detail'] as string, /http\.maxRewriteInstances \(7\)/);

    const viewer = (await post('/api/tokens', { name: 'reader', role: 'viewer' })).body['token'] as string;
    assert.equal((await post(`/api/studies/${target}/modify`, { set: { PatientName: 'X' } }, viewer)).status, 403);
    assert.equal((await findscu({ QueryRetrieveLevel: 'STUDY', StudyInstanceUID: target, PatientName: '' }))[0]!.getString(0x00100010), 'TEST^PATIENT2', 'nothing changed');

    const audit = await json('/api/audit?action=study.merge');
    const actions = (audit.body['items'] as { action: string; outcome: string }[]).map((e) => `${e.action}:${e.outcome}`);
    assert.ok(actions.includes('study.merge:success') && actions.includes('study.merge:failure'), actions.join(', '));
  });
});
