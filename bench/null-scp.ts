// The issue-4 benchmark peer `custom:pacs-null`: a C-STORE SCP built on @pacs/dicom that
// receives every data set and writes nothing (the counterpart of DCMTK `storescp --ignore`),
// so it measures the network library alone: PDU parsing, the state machine, DIMSE and the
// backpressured data set stream.
//
// Environment (from run-peer.sh): PEER_PORT, PEER_AET (default PACS), PEER_DIR, MAX_PDU; and
// BENCH_WARM_UP, the synthetic C-STOREs of the start-up warm-up (default 1000 as scp-listener's
// dicom.warmUpInstances; 0 measures a cold process).
// It writes the number of answered C-STOREs to PEER_DIR/stored-count (bench/lib/count-file.ts).
// Usage: node --import tsx bench/null-scp.ts
import { finished } from 'node:stream/promises';
import { DicomServer, Status, defaultAcceptancePolicy, serveDimse, warmUpStorePath, type DimseHandlers } from '@pacs/dicom';
import { publishStoredCount } from './lib/count-file';

const port = Number(process.env['PEER_PORT'] ?? 11112);
const aeTitle = process.env['PEER_AET'] ?? 'PACS';
const maxPduLength = Number(process.env['MAX_PDU'] ?? 16384);

let stored = 0;
const handlers: DimseHandlers = {
  store: async (request) => {
    // Flowing mode drops each chunk as it arrives; the response waits for the end.
    await finished(request.dataSet.resume());
    stored++;
    return { status: Status.Success };
  },
};

// As scp-listener does at start (dicom.warmUpInstances): the receive path compiled before the port opens.
const warmUp = await warmUpStorePath({ instances: Number(process.env['BENCH_WARM_UP'] ?? 1000), maxPduLength });
console.log(JSON.stringify({ msg: 'null-scp warmed up', ...warmUp }));
const server = new DicomServer({
  port,
  maxPduLength,
  maxAssociations: 64,
  policy: defaultAcceptancePolicy({ aeTitle, acceptUnknownCallingAe: true, maxPduLength }),
});
server.on('association', (association) => serveDimse(association, handlers));
server.on('error', (err) => console.error(`null-scp: ${err.message}`));
const address = await server.listen();
console.log(JSON.stringify({ msg: 'null-scp listening', port: address.port, aeTitle, maxPduLength }));

publishStoredCount('null-scp', () => stored, () => server.close(2_000));
