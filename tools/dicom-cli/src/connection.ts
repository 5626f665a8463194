// Options every command shares (-aet, -aec, host, port, TLS) and opening the association.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { connect, type Association, type ProposedContext, type UserInformationItem } from '@pacs/dicom';
import { integer, single, type OptionSpec, type ParsedArgs } from './args';
import { UsageError } from './exit-codes';

export const CONNECTION_OPTIONS: readonly OptionSpec[] = [
  { names: ['-aet', '--aetitle'], value: true },
  { names: ['-aec', '--call'], value: true },
  { names: ['--tls'], value: false },
  { names: ['--tls-ca'], value: true },
  { names: ['--tls-cert'], value: true },
  { names: ['--tls-key'], value: true },
  { names: ['--tls-insecure'], value: false },
  { names: ['--max-pdu'], value: true },
  { names: ['--timeout'], value: true },
  { names: ['-h', '--help'], value: false },
];

export interface Peer {
  host: string;
  port: number;
  callingAeTitle: string;
  calledAeTitle: string;
  tls: ConnectionOptions | undefined;
  maxPduLength: number | undefined;
  timeoutMs: number | undefined;
}

/** Takes HOST and PORT from the front of the positionals. */
export function peerFrom(args: ParsedArgs): { peer: Peer; rest: string[] } {
  const [host, portText, ...rest] = args.positionals;
  if (host === undefined || portText === undefined) throw new UsageError('HOST and PORT are required');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid port "${portText}"`);
  const useTls = args.flags.has('--tls');
  for (const key of ['--tls-ca', '--tls-cert', '--tls-key']) {
    if (!useTls && args.options.has(key)) throw new UsageError(`${key} needs --tls`);
  }
  const read = (key: string): Buffer | undefined => {
    const path = single(args, key);
    return path === undefined ? undefined : readFileSync(path);
  };
  const tls: ConnectionOptions | undefined = useTls
    ? { ca: read('--tls-ca'), cert: read('--tls-cert'), key: read('--tls-key'), rejectUnauthorized: !args.flags.has('--tls-insecure'), minVersion: 'TLSv1.2' }
    : undefined;
  return {
    peer: {
      host,
      port,
      callingAeTitle: single(args, '-aet') ?? 'DICOMCLI',
      calledAeTitle: single(args, '-aec') ?? 'ANY-SCP',
      tls,
      maxPduLength: args.options.has('--max-pdu') ? integer(args, '--max-pdu', 0, 4096) : undefined,
      timeoutMs: args.options.has('--timeout') ? integer(args, '--timeout', 0, 1) : undefined,
    },
    rest,
  };
}

export function openAssociation(peer: Peer, presentationContexts: ProposedContext[], userInformation?: UserInformationItem[]): Promise<Association> {
  return connect({
    host: peer.host,
    port: peer.port,
    tls: peer.tls,
    callingAeTitle: peer.callingAeTitle,
    calledAeTitle: peer.calledAeTitle,
    presentationContexts,
    userInformation,
    maxPduLength: peer.maxPduLength,
    timeoutMs: peer.timeoutMs,
  });
}
