/** The one file every story archive holds, at its root. */
export const MANIFEST_NAME = 'story.json';

/** The folder that holds the images, and nothing but the images story.json lists. */
export const MEDIA_FOLDER = 'media/';

/** How a person calls each media type in a message. */
export const MEDIA_TYPE_LABELS = { 'image/png': 'PNG', 'image/jpeg': 'JPEG' } as const;
