export { appendEvents } from './append-events';
export { collectWatch, type Received } from './collect-watch';
export { openRawStream, type RawStream, type SseFrame } from './raw-stream';
export { draftStory, publishNewStory, storyPages } from './story-fixtures';
export { log, startTestStack, type TestClient, type TestStack } from './test-stack';
export { postFile, testPng } from './test-images';
export { useScratchDir, useTestStack, type StartedStack } from './use-test-stack';
