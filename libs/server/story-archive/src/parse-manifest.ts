import { StoryArchive } from '@storyline/contracts';
import { ArchiveError } from './archive-error';

// Fatal, so broken bytes are refused instead of silently turned into U+FFFD; a BOM is dropped.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses story.json's bytes, refusing text that is not UTF-8, not JSON, or not a valid story,
 * text the database cannot store included (listing every issue by path).
 */
export function parseManifest(bytes: Uint8Array): StoryArchive {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw new ArchiveError('story.json is not UTF-8 text, so the story in it cannot be read', { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ArchiveError('story.json is not valid JSON, so the story in it cannot be read', {
      problems: [`story.json is not valid JSON: ${detail}`],
      cause: error,
    });
  }
  const parsed = StoryArchive.safeParse(json);
  if (!parsed.success) throw ArchiveError.listing(parsed.error.issues.map(describeIssue), 'story.json is not a valid story');
  return parsed.data;
}

/** An issue as a person reads it: `pages.0.en: the English text must be text, not a number`; an issue of the whole file has no path. */
export function describeIssue(issue: { path: PropertyKey[]; message: string }): string {
  const path = issue.path.map(String).join('.');
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}
