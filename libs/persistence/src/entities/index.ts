import { SystemSettingEntity } from './system-setting.entity';

export { SystemSettingEntity, type SystemSetting } from './system-setting.entity';

export const ENTITIES = [SystemSettingEntity];
