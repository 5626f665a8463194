import type { DataSource } from 'typeorm';
import { SystemSettingEntity } from '../entities';

/** Settings shared cluster-wide, behind an interface so callers never see the ORM. */
export interface SettingsRepository {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Sets the value only if the key is absent; returns the value now stored. */
  setIfAbsent<T>(key: string, value: T): Promise<T>;
}

export class TypeOrmSettingsRepository implements SettingsRepository {
  constructor(private readonly db: DataSource) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.getRepository(SystemSettingEntity).findOneBy({ key });
    return row?.value as T | undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `INSERT INTO system_setting (key, value, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }

  async setIfAbsent<T>(key: string, value: T): Promise<T> {
    await this.db.query(
      `INSERT INTO system_setting (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING`,
      [key, JSON.stringify(value)],
    );
    return (await this.get<T>(key)) as T;
  }
}
