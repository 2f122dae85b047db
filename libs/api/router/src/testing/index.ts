export { collectWatch, type Received } from './collect-watch';
export { draftStory, publishNewStory, storyPages } from './story-fixtures';
export { log, startTestStack, type TestClient, type TestStack } from './test-stack';
