import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { PduDecodeError, type Pdv } from '../pdu';
import { PDataReceiver } from './p-data-receiver';

function setup(highWaterMark = 16, maxCommandLength = 100) {
  const commands: [number, Buffer][] = [];
  const streams: [number, Readable][] = [];
  const calls: string[] = [];
  const receiver = new PDataReceiver(
    {
      onCommand: (id, c) => commands.push([id, c]),
      onDataset: (id, s) => streams.push([id, s]),
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    },
    { maxCommandLength, highWaterMark },
  );
  return { receiver, commands, streams, calls };
}

const pdv = (presentationContextId: number, isCommand: boolean, isLast: boolean, data: Buffer | string): Pdv => ({
  presentationContextId,
  isCommand,
  isLast,
  data: typeof data === 'string' ? Buffer.from(data) : data,
});

describe('PDataReceiver', () => {
  test('a single-fragment command is delivered as the same view', () => {
    const { receiver, commands } = setup();
    const data = Buffer.from('abcd');
    receiver.receive(pdv(1, true, true, data));
    assert.equal(commands[0]![1], data);
  });

  test('command fragments are joined per presentation context', () => {
    const { receiver, commands } = setup();
    receiver.receive(pdv(1, true, false, 'ab'));
    receiver.receive(pdv(3, true, false, 'XY'));
    receiver.receive(pdv(1, true, true, 'cd'));
    receiver.receive(pdv(3, true, true, 'Z'));
    assert.deepEqual(commands.map(([id, c]) => [id, c.toString()]), [[1, 'abcd'], [3, 'XYZ']]);
  });

  test('a command set over the cap is refused before it is joined', () => {
    const { receiver } = setup(16, 10);
    receiver.receive(pdv(1, true, false, Buffer.alloc(8)));
    assert.throws(() => receiver.receive(pdv(1, true, false, Buffer.alloc(8))), PduDecodeError);
  });

  test('data fragments become one stream per message, ended by the last fragment', async () => {
    const { receiver, streams } = setup(1024);
    receiver.receive(pdv(1, false, false, 'hello '));
    receiver.receive(pdv(1, false, true, 'world'));
    receiver.receive(pdv(1, false, true, 'again'));
    assert.equal(streams.length, 2);
    const text = async (s: Readable): Promise<string> => {
      let out = '';
      for await (const c of s as AsyncIterable<Buffer>) out += c.toString();
      return out;
    };
    assert.equal(await text(streams[0]![1]), 'hello world');
    assert.equal(await text(streams[1]![1]), 'again');
  });

  test('a full stream pauses the socket once; reading resumes it', async () => {
    const { receiver, streams, calls } = setup(8);
    receiver.receive(pdv(1, false, false, Buffer.alloc(10)));
    receiver.receive(pdv(1, false, false, Buffer.alloc(10)));
    assert.deepEqual(calls, ['pause']);
    assert.equal(receiver.paused, true);
    streams[0]![1].read();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['pause', 'resume']);
    assert.equal(receiver.pauses, 1);
    assert.equal(receiver.resumes, 1);
  });

  test('a consumer that destroys its stream does not keep the socket paused', async () => {
    const { receiver, streams, calls } = setup(8);
    receiver.receive(pdv(1, false, false, Buffer.alloc(10)));
    streams[0]![1].destroy();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(calls, ['pause', 'resume']);
    receiver.receive(pdv(1, false, false, Buffer.alloc(10)));
    receiver.receive(pdv(1, false, true, Buffer.alloc(10)));
    assert.deepEqual(calls, ['pause', 'resume']);
  });

  test('a command in the middle of a data set, or data inside a command, breaks framing', () => {
    const a = setup();
    a.receiver.receive(pdv(1, false, false, 'x'));
    assert.throws(() => a.receiver.receive(pdv(1, true, true, 'c')), PduDecodeError);
    const b = setup();
    b.receiver.receive(pdv(1, true, false, 'c'));
    assert.throws(() => b.receiver.receive(pdv(1, false, true, 'x')), PduDecodeError);
  });

  test('destroyAll fails open streams with the given error and resumes a paused socket', async () => {
    const { receiver, streams, calls } = setup(8);
    receiver.receive(pdv(1, false, false, Buffer.alloc(10)));
    const failed = new Promise((resolve) => streams[0]![1].on('error', resolve));
    receiver.destroyAll(new Error('aborted'));
    assert.match(String(await failed), /aborted/);
    assert.deepEqual(calls, ['pause', 'resume']);
  });
});
