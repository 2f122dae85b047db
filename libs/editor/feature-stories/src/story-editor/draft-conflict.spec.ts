import { describe, expect, it } from 'vitest';
import { DraftConflict, fieldDifferences } from './draft-conflict';

const mine = [
  { label: 'Title', text: 'The fox' },
  { label: 'Page 1 · English', text: 'Mine' },
  { label: 'Page 2 · English', text: 'Only mine has a second page' },
];
const saved = [
  { label: 'Title', text: 'The fox' },
  { label: 'Page 1 · English', text: 'Saved elsewhere' },
];

describe('a draft conflict', () => {
  it('shows only the texts that differ, a field one version lacks as empty in it', () => {
    expect(fieldDifferences(mine, saved)).toEqual([
      { label: 'Page 1 · English', mine: 'Mine', saved: 'Saved elsewhere' },
      { label: 'Page 2 · English', mine: 'Only mine has a second page', saved: '' },
    ]);
  });

  it('keeps the differing texts of the version not kept, to copy from, whichever the author chooses', () => {
    const keep = new DraftConflict<string>();
    keep.open({ draft: 'newer', fields: saved, savedAt: '2026-12-08T01:00:00.000Z' });
    expect(keep.keepMine(mine)).toBe('newer');
    expect(keep.savedElsewhere()).toBeNull();
    expect(keep.setAside()).toEqual({
      heading: 'The version saved elsewhere, replaced by yours',
      fields: [
        { label: 'Page 1 · English', text: 'Saved elsewhere' },
        { label: 'Page 2 · English', text: '' },
      ],
    });

    const take = new DraftConflict<string>();
    take.open({ draft: 'newer', fields: saved, savedAt: '2026-12-08T01:00:00.000Z' });
    expect(take.takeSaved(mine)).toBe('newer');
    expect(take.setAside()?.fields).toEqual([
      { label: 'Page 1 · English', text: 'Mine' },
      { label: 'Page 2 · English', text: 'Only mine has a second page' },
    ]);
  });

  it('answers nothing to a choice when no conflict is open', () => {
    expect(new DraftConflict<string>().keepMine(mine)).toBeNull();
  });
});
