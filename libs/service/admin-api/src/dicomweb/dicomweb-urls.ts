import type { Request } from 'express';

/** The DICOMweb root as the client reached it (RetrieveURL, BulkDataURI and STOW RetrieveURL values). */
export function dicomWebBase(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/dicom-web`;
}
