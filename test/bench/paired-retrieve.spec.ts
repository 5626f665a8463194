import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { datasetStudy, summarisePairs, type PairRun } from '../../bench/lib/paired-retrieve';

const pair = (oursMs: number, referenceMs: number, complete = true): PairRun => ({ oursMs, referenceMs, oursComplete: complete, referenceComplete: true });

describe('retrieve in pairs (bench/lib/paired-retrieve)', () => {
  test('the ratio is the reference median over ours (instances per second), with wins and spread', () => {
    const s = summarisePairs([pair(200, 300), pair(250, 240), pair(220, 330), pair(210, 280), pair(500, 260)]);
    assert.equal(s.pairs, 5);
    assert.equal(s.incomplete, 0);
    assert.equal(s.oursMedianMs, 220);
    assert.equal(s.referenceMedianMs, 280);
    assert.equal(s.ratio, Number((280 / 220).toFixed(3)));
    assert.equal(s.oursFaster, 3);
    assert.equal(s.pairRatioP10, 0.52);
    assert.equal(s.pairRatioMedian, 1.333);
    assert.equal(s.pairRatioP90, 1.5);
  });

  test('a pair where either side missed instances is left out of every figure', () => {
    const s = summarisePairs([pair(100, 300, false), { ...pair(100, 300), referenceComplete: false }, pair(400, 200)]);
    assert.equal(s.incomplete, 2);
    assert.equal(s.ratio, 0.5);
    assert.equal(s.oursFaster, 0);
  });

  test('no complete pair: no ratio, not a pass', () => {
    const s = summarisePairs([pair(100, 300, false)]);
    assert.equal(s.ratio, null);
    assert.equal(s.pairRatioMedian, null);
    assert.deepEqual(summarisePairs([]).oursMedianMs, null);
  });

  test("the study comes from the dataset's manifest, the files from its dicom directory", () => {
    const dir = mkdtempSync(join(tmpdir(), 'paired-'));
    try {
      mkdirSync(join(dir, 'dicom', 'P1'), { recursive: true });
      for (const name of ['b.dcm', 'a.dcm', 'notes.txt']) writeFileSync(join(dir, 'dicom', 'P1', name), 'x');
      writeFileSync(join(dir, 'manifest.env'), "# made by make-dataset.sh\nDS_NAME=medium\nDS_INSTANCES=2\nQ_PATIENT_NAME='SMITH^JAMES'\nQ_STUDY_UID=2.25.1\nQ_STUDY_INSTANCES=1\n");
      const study = datasetStudy(dir);
      assert.equal(study.name, 'medium');
      assert.equal(study.studyUid, '2.25.1');
      assert.equal(study.studyInstances, 1);
      assert.equal(study.instances, 2);
      assert.deepEqual(study.files, [join(dir, 'dicom', 'P1', 'a.dcm'), join(dir, 'dicom', 'P1', 'b.dcm')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
