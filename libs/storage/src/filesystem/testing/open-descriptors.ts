// For tests: what this process holds open under a directory (Linux /proc).
import { readdirSync, readlinkSync } from 'node:fs';

/** Descriptors of this process open on files under `root`. */
export function openUnder(root: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
    } catch {
      return false;
    }
  }).length;
}
