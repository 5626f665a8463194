import assert from 'node:assert/strict';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CommitThreads } from './commit-threads';

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

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'commit-threads-'));
    threads = new CommitThreads(2);
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
    const own = new CommitThreads(1);
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
});
