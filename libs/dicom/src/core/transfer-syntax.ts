// PS3.5 §10 and PS3.6 Annex A: every transfer syntax we know, in one list.

export type PixelDataEncoding = 'native' | 'encapsulated' | 'referenced';

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** The whole data set after the file meta is a raw deflate stream (RFC 1951). */
  readonly deflated: boolean;
  /** Encapsulated pixel data is kept and forwarded as raw fragments, never decoded here. */
  readonly pixelData: PixelDataEncoding;
  readonly retired: boolean;
}

function ts(uid: string, name: string, pixelData: PixelDataEncoding, retired = false, deflated = false): TransferSyntax {
  return { uid, name, explicitVr: true, littleEndian: true, deflated, pixelData, retired };
}

export const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  { uid: '1.2.840.10008.1.2', name: 'Implicit VR Little Endian', explicitVr: false, littleEndian: true, deflated: false, pixelData: 'native', retired: false },
  ts('1.2.840.10008.1.2.1', 'Explicit VR Little Endian', 'native'),
  ts('1.2.840.10008.1.2.1.98', 'Encapsulated Uncompressed Explicit VR Little Endian', 'encapsulated'),
  ts('1.2.840.10008.1.2.1.99', 'Deflated Explicit VR Little Endian', 'native', false, true),
  { uid: '1.2.840.10008.1.2.2', name: 'Explicit VR Big Endian', explicitVr: true, littleEndian: false, deflated: false, pixelData: 'native', retired: true },
  ts('1.2.840.10008.1.2.4.50', 'JPEG Baseline (Process 1)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.51', 'JPEG Extended (Process 2 & 4)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.52', 'JPEG Extended (Process 3 & 5)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.54', 'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.56', 'JPEG Full Progression, Non-Hierarchical (Process 11 & 13)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.57', 'JPEG Lossless, Non-Hierarchical (Process 14)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.58', 'JPEG Lossless, Non-Hierarchical (Process 15)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.59', 'JPEG Extended, Hierarchical (Process 16 & 18)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.60', 'JPEG Extended, Hierarchical (Process 17 & 19)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.61', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.62', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.63', 'JPEG Full Progression, Hierarchical (Process 24 & 26)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.64', 'JPEG Full Progression, Hierarchical (Process 25 & 27)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.65', 'JPEG Lossless, Hierarchical (Process 28)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.66', 'JPEG Lossless, Hierarchical (Process 29)', 'encapsulated', true),
  ts('1.2.840.10008.1.2.4.70', 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.80', 'JPEG-LS Lossless Image Compression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.81', 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.90', 'JPEG 2000 Image Compression (Lossless Only)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.91', 'JPEG 2000 Image Compression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.92', 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.93', 'JPEG 2000 Part 2 Multi-component Image Compression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.94', 'JPIP Referenced', 'referenced'),
  ts('1.2.840.10008.1.2.4.95', 'JPIP Referenced Deflate', 'referenced', false, true),
  ts('1.2.840.10008.1.2.4.100', 'MPEG2 Main Profile / Main Level', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.100.1', 'Fragmentable MPEG2 Main Profile / Main Level', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.101', 'MPEG2 Main Profile / High Level', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.101.1', 'Fragmentable MPEG2 Main Profile / High Level', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.102', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.102.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.103', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.103.1', 'Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.104', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.104.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.105', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.105.1', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.106', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.106.1', 'Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.107', 'HEVC/H.265 Main Profile / Level 5.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.108', 'HEVC/H.265 Main 10 Profile / Level 5.1', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.110', 'JPEG XL Lossless', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.111', 'JPEG XL JPEG Recompression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.112', 'JPEG XL', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.201', 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.202', 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.203', 'High-Throughput JPEG 2000 Image Compression', 'encapsulated'),
  ts('1.2.840.10008.1.2.4.204', 'JPIP HTJ2K Referenced', 'referenced'),
  ts('1.2.840.10008.1.2.4.205', 'JPIP HTJ2K Referenced Deflate', 'referenced', false, true),
  ts('1.2.840.10008.1.2.5', 'RLE Lossless', 'encapsulated'),
  ts('1.2.840.10008.1.2.6.1', 'RFC 2557 MIME encapsulation', 'encapsulated', true),
  ts('1.2.840.10008.1.2.6.2', 'XML Encoding', 'encapsulated', true),
  ts('1.2.840.10008.1.2.7.1', 'SMPTE ST 2110-20 Uncompressed Progressive Active Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.7.2', 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video', 'encapsulated'),
  ts('1.2.840.10008.1.2.7.3', 'SMPTE ST 2110-30 PCM Digital Audio', 'encapsulated'),
  ts('1.2.840.10008.1.2.8.1', 'Deflated Image Frame Compression', 'encapsulated'),
];

export const TransferSyntaxUid = {
  ImplicitVRLittleEndian: '1.2.840.10008.1.2',
  ExplicitVRLittleEndian: '1.2.840.10008.1.2.1',
  DeflatedExplicitVRLittleEndian: '1.2.840.10008.1.2.1.99',
  ExplicitVRBigEndian: '1.2.840.10008.1.2.2',
  JPEGBaseline8Bit: '1.2.840.10008.1.2.4.50',
  JPEGLosslessSV1: '1.2.840.10008.1.2.4.70',
  JPEG2000Lossless: '1.2.840.10008.1.2.4.90',
  RLELossless: '1.2.840.10008.1.2.5',
} as const;

const byUid = new Map(TRANSFER_SYNTAXES.map((t) => [t.uid, t]));

export function findTransferSyntax(uid: string): TransferSyntax | undefined {
  return byUid.get(uid);
}

/**
 * How the data set of a transfer syntax is encoded. PS3.5 §10.1: any transfer syntax other
 * than Implicit VR LE and Explicit VR BE, known or not, encodes it as Explicit VR LE.
 */
export function dataSetEncoding(uid: string): { explicitVr: boolean; littleEndian: boolean; deflated: boolean } {
  const t = byUid.get(uid);
  if (t) return { explicitVr: t.explicitVr, littleEndian: t.littleEndian, deflated: t.deflated };
  return { explicitVr: true, littleEndian: true, deflated: false };
}
