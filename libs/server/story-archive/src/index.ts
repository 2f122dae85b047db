export { ArchiveError } from './archive-error';
export { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './archive-limits';
export { readStoryArchive, type ReadStoryArchiveOptions } from './read-story-archive';
export { MediaTypeError, sniffMedia } from './sniff-media';
export { writeStoryArchive, type WriteStoryArchiveInput } from './write-story-archive';
