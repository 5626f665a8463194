import { SystemSettingEntity } from './system-setting.entity';
import { InstanceEntity, ObjectLocationEntity, PatientEntity, SeriesEntity, StudyEntity } from './index-entities';

export { SystemSettingEntity, type SystemSetting } from './system-setting.entity';
export {
  PatientEntity, StudyEntity, SeriesEntity, InstanceEntity, ObjectLocationEntity,
  type PatientRow, type StudyRow, type SeriesRow, type InstanceRow, type ObjectLocationRow,
} from './index-entities';

export const ENTITIES = [SystemSettingEntity, PatientEntity, StudyEntity, SeriesEntity, InstanceEntity, ObjectLocationEntity];
