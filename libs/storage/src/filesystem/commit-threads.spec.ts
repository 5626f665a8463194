import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommitThreads } from './commit-threads';
import { openUnder } from './testing/open-descriptors';

describe('CommitThreads', () => {
  let dir: string;
  let threads: CommitThreads;
  let n = 0;
  /** A temp file holding `head`, open for writing, as a put leaves it before its commit. */
  const tempFile = (head: string) => {
    const tempPath = join(dir, `temp-${n++}`);
    const fd = openSync(tempPath, 'wx');
    writeSync(fd, head);
    return { fd, tempPath };
  };

  /** Threads whose own temp files are named temp-N in `dir`. */
  const commitThreads = (max: number, spareMaxAgeMs = 60_000) => new CommitThreads({ max, newTempPath: () => join(dir, `temp-${n++}`), spareMaxAgeMs });
  const tempNames = async () => (await readdir(dir)).filter((name) => name.startsWith('temp-'));

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'commit-threads-'));
    threads = commitThreads(2);
  });
  after(async () => {
    await threads.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('appends the last buffers, then renames the file into place, creating its directories', async () => {
    const { fd, tempPath } = tempFile('head-');
    const target = join(dir, 'study', 'series', 'instance');
    try {
      await threads.commit({ fd, buffers: [Buffer.from('middle-'), Buffer.alloc(0), Buffer.from('tail')], tempPath, target });
      assert.equal(fstatSync(fd).size, 'head-middle-tail'.length, 'the descriptor stays open for the caller');
    } finally {
      closeSync(fd);
    }
    assert.equal(await readFile(target, 'utf8'), 'head-middle-tail');
    assert.ok(!(await readdir(dir)).includes(tempPath.slice(dir.length + 1)), 'the temp name is gone');
  });

  test('a failure comes back with its errno code, and the temp file stays for the caller to remove', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const { fd, tempPath } = tempFile('data');
    try {
      await assert.rejects(threads.commit({ fd, buffers: [], tempPath, target: join(dir, 'a-file', 'below') }), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'ENOTDIR');
        assert.equal(error.syscall, 'rename');
        return true;
      });
    } finally {
      closeSync(fd);
    }
    assert.equal(await readFile(tempPath, 'utf8'), 'data');
  });

  test('commits running at once all land, each under its own name', async () => {
    await mkdir(join(dir, 'many'));
    const files = Array.from({ length: 12 }, (_, i) => ({ ...tempFile(`object ${i}`), target: join(dir, 'many', `o${i}`) }));
    try {
      await Promise.all(files.map((f) => threads.commit({ fd: f.fd, buffers: [Buffer.from('!')], tempPath: f.tempPath, target: f.target })));
    } finally {
      for (const f of files) closeSync(f.fd);
    }
    for (const [i, f] of files.entries()) assert.equal(await readFile(f.target, 'utf8'), `object ${i}!`);
  });

  test('close() waits for the commits under way; a later commit starts a thread again', async () => {
    const own = commitThreads(1);
    const first = tempFile('first');
    const second = tempFile('second');
    try {
      const committing = own.commit({ fd: first.fd, buffers: [], tempPath: first.tempPath, target: join(dir, 'closing', 'first') });
      await own.close();
      await committing;
      assert.equal(await readFile(join(dir, 'closing', 'first'), 'utf8'), 'first');
      await own.commit({ fd: second.fd, buffers: [], tempPath: second.tempPath, target: join(dir, 'closing', 'second') });
      assert.equal(await readFile(join(dir, 'closing', 'second'), 'utf8'), 'second');
    } finally {
      closeSync(first.fd);
      closeSync(second.fd);
      await own.close();
    }
  });

  describe('a small object whole, in a temp file the thread opened itself', () => {
    test('is written and renamed into place; the thread then opens its next temp file, which holds() names and the next job takes', async () => {
      const own = commitThreads(1);
      try {
        const before = await tempNames();
        await own.commitBytes({ buffers: [Buffer.from('small '), Buffer.from('object')], target: join(dir, 'bytes', 'first') });
        assert.equal(await readFile(join(dir, 'bytes', 'first'), 'utf8'), 'small object');
        let spare: string[] = [];
        for (let i = 0; i < 200 && spare.length === 0; i++, await sleep(5)) spare = (await tempNames()).filter((name) => !before.includes(name));
        assert.equal(spare.length, 1, 'one temp file opened after the job');
        assert.equal(own.holds(join(dir, spare[0] as string)), true);
        const { ino } = await stat(join(dir, spare[0] as string));
        await own.commitBytes({ buffers: [Buffer.from('second')], target: join(dir, 'bytes', 'second') });
        assert.equal(await readFile(join(dir, 'bytes', 'second'), 'utf8'), 'second');
        assert.equal((await stat(join(dir, 'bytes', 'second'))).ino, ino, 'the second job wrote into it');
        assert.equal(own.holds(join(dir, spare[0] as string)), false);
        await own.close();
        assert.deepEqual((await tempNames()).filter((name) => !before.includes(name)), [], 'close() removes the thread temp file');
        assert.equal(openUnder(dir), 0, 'and closes it');
      } finally {
        await own.close();
      }
    });

    test('a temp file older than spareMaxAgeMs is removed, and the object goes into a new one', async () => {
      const own = commitThreads(1, 0);
      try {
        await own.commitBytes({ buffers: [Buffer.from('a')], target: join(dir, 'aged', 'a') });
        await sleep(20);
        const held = (await tempNames()).filter((name) => own.holds(join(dir, name)));
        assert.equal(held.length, 1);
        // Marked: had the job written into it, the object would end in this byte.
        await writeFile(join(dir, held[0] as string), 'xY');
        await own.commitBytes({ buffers: [Buffer.from('b')], target: join(dir, 'aged', 'b') });
        assert.equal(await readFile(join(dir, 'aged', 'b'), 'utf8'), 'b', 'written into a new file');
        assert.ok(!(await tempNames()).includes(held[0] as string), 'the old one is gone');
      } finally {
        await own.close();
      }
    });

    test('a failure comes back with its errno code and leaves no temp file', async () => {
      const own = commitThreads(1);
      try {
        await writeFile(join(dir, 'not-a-dir'), 'x');
        const before = await tempNames();
        await assert.rejects(own.commitBytes({ buffers: [Buffer.from('data')], target: join(dir, 'not-a-dir', 'below') }), (error: NodeJS.ErrnoException) => {
          assert.equal(error.code, 'ENOTDIR');
          return true;
        });
        await own.close();
        assert.deepEqual((await tempNames()).filter((name) => !before.includes(name)), []);
      } finally {
        await own.close();
      }
    });
  });
});

