export { MAX_DOCUMENT_IMAGE_BYTES, renderStoryDocument, type DocumentImage, type DocumentPage, type StoryDocumentInput } from './render-story-document';
