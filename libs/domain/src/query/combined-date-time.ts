// PS3.4 C.2.2.2.5.1: with combined date-time matching negotiated, a date key and its time key
// given together as ranges form one range: StudyDate 20060705-20060707 with StudyTime
// 1000-1800 matches from 10:00 on 5 July to 18:00 on 7 July.
import { END_OF_DAY, START_OF_DAY } from './date-time-range';
import type { DateTimeRangeCondition, KeyCondition } from './query';

/** Date and time attributes that belong together (dictionary keywords ...Date / ...Time). */
export const DATE_TIME_PAIRS: ReadonlyArray<readonly [date: number, time: number]> = [
  [0x00080020, 0x00080030], // StudyDate, StudyTime
  [0x00080021, 0x00080031], // SeriesDate, SeriesTime
  [0x00080022, 0x00080032], // AcquisitionDate, AcquisitionTime
  [0x00080023, 0x00080033], // ContentDate, ContentTime
  [0x00100030, 0x00100032], // PatientBirthDate, PatientBirthTime
  [0x00400244, 0x00400245], // PerformedProcedureStepStartDate, ...StartTime
];

export function combineDateTimeRanges(conditions: KeyCondition[]): { remaining: KeyCondition[]; ranges: DateTimeRangeCondition[] } {
  const ranges: DateTimeRangeCondition[] = [];
  const used = new Set<KeyCondition>();
  for (const [dateTag, timeTag] of DATE_TIME_PAIRS) {
    const date = conditions.find((c) => c.tag === dateTag);
    const time = conditions.find((c) => c.tag === timeTag);
    if (!date || !time || time.matcher.type !== 'range' || time.matcher.singleValue) continue;
    const d = date.matcher;
    let dateLower: string | undefined;
    let dateUpper: string | undefined;
    if (d.type === 'single') dateLower = dateUpper = d.value;
    else if (d.type === 'range') ({ lower: dateLower, upper: dateUpper } = d);
    else continue;
    const t = time.matcher;
    ranges.push({
      dateTag,
      timeTag,
      entity: date.entity,
      lower: dateLower === undefined ? undefined : dateLower + (t.lower ?? START_OF_DAY),
      upper: dateUpper === undefined ? undefined : dateUpper + (t.upper ?? END_OF_DAY),
    });
    used.add(date).add(time);
  }
  return { remaining: conditions.filter((c) => !used.has(c)), ranges };
}
