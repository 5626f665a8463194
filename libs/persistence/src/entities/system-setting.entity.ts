import { EntitySchema } from 'typeorm';

/** A named, JSON-valued setting shared by all processes (e.g. the installation id). */
export interface SystemSetting {
  key: string;
  value: unknown;
  updatedAt: Date;
}

export const SystemSettingEntity = new EntitySchema<SystemSetting>({
  name: 'SystemSetting',
  tableName: 'system_setting',
  columns: {
    key: { type: 'text', primary: true },
    value: { type: 'jsonb' },
    updatedAt: { name: 'updated_at', type: 'timestamptz', default: () => 'now()' },
  },
});
