import { describe, expect, it } from 'vitest';
import { JobType } from '@storyline/contracts';
import { jobPhrase, jobTargetLink } from './job-words';

describe('jobPhrase', () => {
  it('names a job the way its author would', () => {
    expect(jobPhrase('story-document-export', 'The Fox and the Lantern')).toBe('PDF export of “The Fox and the Lantern”');
    expect(jobPhrase('region-version', 'The Salt Marsh')).toBe('New version of the region “The Salt Marsh”');
  });

  it('names the kind of target when its title is unknown (deleted, or not made yet)', () => {
    expect(jobPhrase('story-import', null)).toBe('Import of a story');
    expect(jobPhrase('epic-publish', null)).toBe('Publication of an epic');
  });

  it('has words and a page for every job type', () => {
    for (const type of JobType.options) {
      expect(jobPhrase(type, 'X')).not.toMatch(/undefined|-/);
      expect(jobTargetLink({ type, targetId: 'id-1' })[1]).toBe('id-1');
    }
  });
});
