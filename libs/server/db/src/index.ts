export * from './channels';
export * from './create-database';
export * from './migrate-database';
export { hasUnpublishedChanges } from './unpublished-changes';
export { listEpicItems, resolveEpicItems, type EpicItemRef, type ResolvedEpicItem } from './epic-members';
export * as schema from './schema';
export { artifacts, jobEvents, jobs, jobTypeFlags, loginDevices, loginFailures, media, notices, sessions, stories, storyVersions, uploads, users } from './schema';
export { epicItems, epics, epicVersions, heroes, heroVersions, regions, regionVersions, type EpicItemKind, type EpicMember, type LocalizedText } from './world-schema';
export { worldTables, type WorldItemRow, type WorldTables, type WorldVersionRow } from './world-tables';
