import { MEDIA_PER_PAGE_MAX, MediaContentType } from '@storyline/contracts';

const ACCEPTED_TYPES: readonly string[] = MediaContentType.options;
/** Browsers leave `type` empty for files they do not recognise; the name is the only hint then. */
const IMAGE_NAME = /\.(png|jpe?g)$/i;

/**
 * Why the editor will not send `file` to a page with `slotsLeft` free places, or
 * null to send it. Only a courtesy that saves a round trip: the server checks the
 * content itself and has the last word.
 */
export function mediaFileRefusal(file: Pick<File, 'name' | 'type' | 'size'>, slotsLeft: number): string | null {
  if (slotsLeft <= 0) return `“${file.name}” was not added: a page holds at most ${MEDIA_PER_PAGE_MAX} images`;
  const typed = file.type !== '';
  if (typed ? !ACCEPTED_TYPES.includes(file.type) : !IMAGE_NAME.test(file.name)) return `“${file.name}” is not a PNG or JPEG image`;
  if (file.size === 0) return `“${file.name}” is empty`;
  return null;
}
