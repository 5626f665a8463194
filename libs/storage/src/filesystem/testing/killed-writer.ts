// Child process for filesystem.int.spec.ts: starts a put whose source stalls after 8 MiB and says
// so on stdout, so the parent can SIGKILL it mid-write the way a crashed pod would stop.
import { Readable } from 'node:stream';
import { FilesystemObjectStore } from '../filesystem-object-store';

const [root, key] = process.argv.slice(2);
if (root === undefined || key === undefined) throw new TypeError('usage: killed-writer <root> <key>');

const CHUNK = 64 * 1024;
const STALL_AFTER = 8 * 1024 * 1024;
let produced = 0;
const source = new Readable({
  read() {
    if (produced >= STALL_AFTER) {
      process.stdout.write('stalled\n');
      return;
    }
    produced += CHUNK;
    this.push(Buffer.alloc(CHUNK, 0x5a));
  },
});

void new FilesystemObjectStore({ root }).put(key, source);
