import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { aggregateRounds, median, ratiosPerRound, type Row } from '../../bench/lib/rounds';

const row = (instPerS: string, status = 'PASS', extra: Row = {}): Row => ({ dataset: 'small', peer: 'p', test: 'store-x1', inst_per_s: instPerS, srv_cpu_s: '1', status, ...extra });

describe('benchmark rounds (bench/lib/rounds)', () => {
  test('median of odd and even counts, none for nothing', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });

  test('a cell is the median of its rounds, figure by figure, with the number of rounds', () => {
    const cell = aggregateRounds([row('100', 'PASS', { srv_cpu_s: '3' }), row('300', 'PASS', { srv_cpu_s: '1' }), row('200', 'PASS', { srv_cpu_s: '2' })]);
    assert.equal(cell?.['inst_per_s'], '200');
    assert.equal(cell?.['srv_cpu_s'], '2');
    assert.equal(cell?.['rounds'], '3');
  });

  test('a round that did not pass marks the cell, a round that did not run is left out', () => {
    assert.equal(aggregateRounds([row('100'), row('90', 'FAIL'), row('110')])?.['status'], 'FAIL');
    assert.equal(aggregateRounds([undefined, row('100'), row('300')])?.['inst_per_s'], '200');
    assert.equal(aggregateRounds([undefined, undefined]), undefined);
  });

  test('ratios within each round, only where both sides passed', () => {
    const ours = [row('100'), row('150'), row('90'), undefined];
    const reference = [row('200'), row('100', 'FAIL'), row('60'), row('10')];
    assert.deepEqual(ratiosPerRound(ours, reference, 'inst_per_s'), [0.5, 1.5]);
  });
});
