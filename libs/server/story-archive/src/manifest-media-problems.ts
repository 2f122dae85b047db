import { MEDIA_EXTENSIONS, type StoryArchive } from '@storyline/contracts';
import { MEDIA_TYPE_LABELS } from './archive-layout';

/**
 * What the StoryArchive schema cannot see about the media list: two images under one file
 * name (also when only the case differs, which is one file on most computers), and a file
 * name whose extension contradicts its type. The writer and the reader both ask, so nothing
 * is written that the reader would refuse.
 */
export function manifestMediaProblems(archive: StoryArchive): string[] {
  const problems: string[] = [];
  const files = new Set<string>();
  for (const media of archive.media) {
    const key = media.file.toLowerCase();
    if (files.has(key)) problems.push(`story.json lists ${media.file} for more than one image`);
    files.add(key);
    const extension = MEDIA_EXTENSIONS[media.contentType];
    if (!media.file.endsWith(`.${extension}`)) {
      problems.push(`story.json says ${media.file} is a ${MEDIA_TYPE_LABELS[media.contentType]} image, so its name must end in .${extension}`);
    }
  }
  return problems;
}
