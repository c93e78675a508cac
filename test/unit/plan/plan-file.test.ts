/** A plan file's digest of itself (issue 11): any edit shows, reformatting and apply's marker do not. */
import { describe, expect, it } from 'vitest';
import { planFileDigest, planFileEdit, type PlanFile } from '../../../src/plan/plan-file.js';

const content = {
  format_version: '1',
  pssync_version: '0.1.0',
  created_at: '2024-01-01T00:00:00.000Z',
  plan_id: 'p1',
  manifest: { path: 'pssync.yaml', digest: 'a'.repeat(64) },
  partial: false,
  selected_syncs: ['s'],
  destinations: { db: 'b'.repeat(64) },
  changes: true,
  syncs: [],
  errors: [],
} as unknown as PlanFile;
const file: PlanFile = { ...content, file_digest: planFileDigest(content) };

describe('plan file digest', () => {
  it('matches the file as written', () => {
    expect(file.file_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(planFileEdit(file)).toBeUndefined();
  });

  it('is the same for the same content in another key order, and ignores applied_at', () => {
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(file).reverse()))) as PlanFile;
    expect(planFileEdit(reordered)).toBeUndefined();
    expect(planFileEdit({ ...file, applied_at: '2024-01-02T00:00:00.000Z' })).toBeUndefined();
  });

  it('shows an edit anywhere, and a missing digest', () => {
    expect(planFileEdit({ ...file, changes: false })).toMatch(/no longer matches its file_digest/);
    expect(planFileEdit({ ...file, manifest: { ...file.manifest, path: 'other.yaml' } })).toMatch(/no longer matches/);
    const { file_digest: _digest, ...withoutDigest } = file;
    expect(planFileEdit(withoutDigest as PlanFile)).toMatch(/no file_digest/);
  });
});
