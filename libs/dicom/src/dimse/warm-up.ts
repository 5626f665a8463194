// A warm-up of the C-STORE receive path before a server takes traffic. V8 runs new code in its
// interpreter and compiles the hot functions with its optimizing tier only after they have run
// for a while, on helper threads, so a fresh process receives its first few hundred instances
// slowly (measured in docs/adr/0003-receive-path-warm-up.md). This sends synthetic C-STOREs over
// loopback associations to a private acceptor in the same process, through the same PDU reader,
// state machine, P-DATA receiver, DIMSE channel and C-STORE SCP, so that cost is paid at start,
// before the real server listens (and before a readiness probe passes).
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DataSet, PIXEL_DATA, TransferSyntaxUid, generateUid, tagForKeyword, writeDataSetChunks } from '../core';
import { connect, DicomServer } from '../net';
import { defaultAcceptancePolicy } from './acceptance';
import { Status } from './commands';
import type { StoreRequest } from './scp/handlers';
import { serveDimse } from './scp/serve-dimse';
import { store } from './scu/store';

const EXPLICIT_VR_LITTLE_ENDIAN = TransferSyntaxUid.ExplicitVRLittleEndian;
/** CT Image Storage: the SOP class of the synthetic slices (syntheticCtHeader). */
export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const WARM_UP_AE = 'WARMUP';
const COLUMNS = 512;
const ROW_BYTES = COLUMNS * 2;

export interface WarmUpOptions {
  /** C-STOREs to send; 0 skips the warm-up. */
  instances: number;
  /** About this many pixel data bytes per synthetic instance (rows of 512 16-bit pixels); default 64 KiB. */
  instanceBytes?: number;
  /** Associations the instances are spread over, one after the other; default 4. */
  associations?: number;
  /** The PDU size both sides announce; default 16 KiB, what DCMTK and most modalities send. */
  maxPduLength?: number;
  /**
   * What the acceptor does with each data set: the application's own parsing of it, so that is
   * compiled too. It must store nothing. Default: the bytes are dropped.
   */
  consume?: (request: StoreRequest) => Promise<void>;
}

export interface WarmUpResult {
  instances: number;
  bytes: number;
  ms: number;
}

/** Sends `instances` synthetic C-STOREs to a private loopback acceptor and waits for every response. */
export async function warmUpStorePath(options: WarmUpOptions): Promise<WarmUpResult> {
  const started = performance.now();
  if (options.instances <= 0) return { instances: 0, bytes: 0, ms: 0 };
  const maxPduLength = options.maxPduLength ?? 16_384;
  const consume = options.consume ?? ((request: StoreRequest) => finished(request.dataSet.resume()));
  const server = new DicomServer({
    host: '127.0.0.1',
    port: 0,
    maxPduLength,
    maxAssociations: 4,
    policy: defaultAcceptancePolicy({ aeTitle: WARM_UP_AE, acceptUnknownCallingAe: true, maxPduLength }),
  });
  server.on('association', (association) =>
    serveDimse(association, {
      store: async (request) => {
        await consume(request);
        return { status: Status.Success };
      },
    }),
  );
  const { port } = await server.listen();
  const pixels = Buffer.alloc(Math.max(1, Math.round((options.instanceBytes ?? 64 * 1024) / ROW_BYTES)) * ROW_BYTES);
  const associations = Math.min(options.associations ?? 4, options.instances);
  let bytes = 0;
  try {
    // Several associations one after the other: what V8 learns at an association's end (release,
    // close) reaches the optimized code before the last one ends, not while the first real one runs.
    for (let a = 0; a < associations; a++) {
      const count = Math.floor(options.instances / associations) + (a < options.instances % associations ? 1 : 0);
      bytes += await storeSynthetic(port, maxPduLength, count, pixels);
    }
  } finally {
    await server.close(0);
  }
  return { instances: options.instances, bytes, ms: performance.now() - started };
}

async function storeSynthetic(port: number, maxPduLength: number, instances: number, pixels: Buffer): Promise<number> {
  const association = await connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: WARM_UP_AE,
    calledAeTitle: WARM_UP_AE,
    maxPduLength,
    presentationContexts: [{ abstractSyntax: CT_IMAGE_STORAGE, transferSyntaxes: [EXPLICIT_VR_LITTLE_ENDIAN] }],
  });
  let bytes = 0;
  try {
    const studyUid = generateUid();
    const seriesUid = generateUid();
    for (let i = 0; i < instances; i++) {
      const sopInstanceUid = generateUid();
      // Streamed as the C-MOVE sub-operations stream from storage; the pixels are one shared buffer.
      const chunks = syntheticCtSlice({ studyUid, seriesUid, sopInstanceUid, number: i + 1 }, pixels);
      const dataSet = Readable.from(chunks, { objectMode: false });
      const rsp = await store(association, { sopClassUid: CT_IMAGE_STORAGE, sopInstanceUid, transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN, dataSet });
      if (rsp.status !== Status.Success) throw new Error(`warm-up C-STORE answered 0x${rsp.status.toString(16)}`);
      bytes += chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    }
    await association.release();
  } finally {
    association.destroy();
  }
  return bytes;
}

export interface SliceIds {
  studyUid: string;
  seriesUid: string;
  sopInstanceUid: string;
  /** Instance Number and the slice position. */
  number: number;
}

/**
 * A CT slice with the attributes a modality sends and the indexer reads, in Explicit VR Little
 * Endian, as chunks: the pixel data is `pixels` itself, not a copy.
 */
function syntheticCtSlice(ids: SliceIds, pixels: Buffer): Buffer[] {
  const ds = syntheticCtHeader(ids, pixels.length / ROW_BYTES);
  ds.setBytes(PIXEL_DATA, 'OW', pixels);
  return writeDataSetChunks(ds, EXPLICIT_VR_LITTLE_ENDIAN, Math.min(pixels.length, 16 * 1024));
}

/**
 * The header (everything before Pixel Data) of a synthetic CT slice of `rows` rows of 512 16-bit
 * pixels: what the warm-ups of the receive path and of the indexer send through their code.
 */
export function syntheticCtHeader(ids: SliceIds, rows = 1): DataSet {
  const ds = new DataSet();
  const tag = (keyword: string): number => tagForKeyword(keyword) as number;
  const text = (keyword: string, value: string): void => void ds.setStrings(tag(keyword), value);
  const number = (keyword: string, value: number): void => void ds.setNumbers(tag(keyword), value);
  text('SpecificCharacterSet', 'ISO_IR 100');
  text('ImageType', 'ORIGINAL\\PRIMARY\\AXIAL');
  text('SOPClassUID', CT_IMAGE_STORAGE);
  text('SOPInstanceUID', ids.sopInstanceUid);
  text('StudyDate', '20260101');
  text('StudyTime', '120000');
  text('AccessionNumber', 'WARMUP');
  text('Modality', 'CT');
  text('Manufacturer', 'WARM-UP');
  text('ReferringPhysicianName', 'WARM^UP');
  text('StudyDescription', 'WARM-UP');
  text('SeriesDescription', 'WARM-UP');
  text('PatientName', 'WARM^UP');
  text('PatientID', 'WARMUP');
  text('PatientBirthDate', '19700101');
  text('PatientSex', 'O');
  text('StudyInstanceUID', ids.studyUid);
  text('SeriesInstanceUID', ids.seriesUid);
  text('StudyID', '1');
  text('SeriesNumber', '1');
  text('InstanceNumber', String(ids.number));
  text('ImagePositionPatient', `0\\0\\${ids.number}`);
  text('PixelSpacing', '0.5\\0.5');
  number('SamplesPerPixel', 1);
  text('PhotometricInterpretation', 'MONOCHROME2');
  number('Rows', rows);
  number('Columns', COLUMNS);
  number('BitsAllocated', 16);
  number('BitsStored', 16);
  number('HighBit', 15);
  number('PixelRepresentation', 1);
  return ds;
}
